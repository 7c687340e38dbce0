"""The e-mails of an instructor's change to an assignment (reviews/domain/assignments.py), in
the message fan-out (portal/notifications/messenger.py):

- `assignment_withdrawn`: the expert who loses the assignment (another expert takes the domain),
  with the reason; no link, the dossier is closed to them;
- `assignment_due_date_changed`: the expert of the assignment, with the new date and the reason,
  and the link to their list ("Mes évaluations").

The new expert of a replacement gets the usual `assignment_declaration_expected`
(reviews/domain/notifications.py). Imported by reviews/domain/assignments.py, which sends them.
"""

from django.urls import reverse

from portal.notifications.messenger import EVENTS, register


def _the_expert(*, assignment, **_context) -> list[str]:
    return [assignment.expert.email] if assignment.expert.is_active else []


def _context(*, assignment, change, **_context) -> dict:
    return {"service": assignment.dossier.service, "change": change}


def _expert_queue(**_context) -> str:
    return reverse("reviews:expert-queue")


if "assignment_withdrawn" not in EVENTS:
    register("assignment_withdrawn", recipients=_the_expert, context=_context)
if "assignment_due_date_changed" not in EVENTS:
    register(
        "assignment_due_date_changed",
        recipients=_the_expert,
        context=_context,
        link=_expert_queue,
    )

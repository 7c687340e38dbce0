"""The reviews app's events of the message fan-out (portal/notifications/messenger.py), and the
people it adds to the dossier's transition e-mails (`dossier_transition`, applications):

- `assignment_declaration_expected`: an expert was assigned; their declaration of interests is
  expected. Only the service, its editor and the declaration page: nothing else of the dossier
  is open to them yet (reviews/rules.py);
- `conflict_declared`: an expert declared a conflict of interest, the assignment is released;
  the instructors are asked to assign another expert;
- on `dossier_transition` to "under evaluation" or "evaluated", the experts the dossier is open
  to (`cleared_expert_ids`: not those released nor those whose declaration is expected); to
  "in commission", the members of the sessions that have it on their agenda.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.enums import DossierState
from portal.accounts.roles import Role
from portal.notifications.messenger import add_recipients, register

from ..rules import cleared_expert_ids

S = DossierState


def _active_people():
    return get_user_model().objects.filter(is_active=True)


def transition_reviewers(*, dossier, log, **_context) -> set[str]:
    if log.to_state in (S.UNDER_EVALUATION, S.EVALUATED):
        people = _active_people().filter(pk__in=cleared_expert_ids(dossier))
    elif log.to_state == S.IN_COMMISSION:
        people = _active_people().filter(commission_seats__session__agenda_items__dossier=dossier)
    else:
        return set()
    return set(people.values_list("email", flat=True))


def declaration_recipients(*, assignment, **_context) -> list[str]:
    return [assignment.expert.email]


def declaration_context(*, assignment, **_context) -> dict:
    return {"service": assignment.dossier.service}


def declaration_link(*, assignment, **_context) -> str:
    return reverse("reviews:assignment-declare", args=[assignment.pk])


def instructor_emails(**_context) -> set[str]:
    return set(
        _active_people().filter(groups__name=Role.INSTRUCTOR).values_list("email", flat=True)
    )


add_recipients("dossier_transition", transition_reviewers)
register(
    "assignment_declaration_expected",
    recipients=declaration_recipients,
    context=declaration_context,
    link=declaration_link,
)
register("conflict_declared", recipients=instructor_emails)

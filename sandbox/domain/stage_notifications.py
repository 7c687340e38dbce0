"""The test stages' events of the message fan-out (portal/notifications/messenger.py), registered
when the app is ready (sandbox/apps.py imports this module). Templates:
templates/notifications/test_stage_*_{subject,body}.txt; every message points to the dossier's
test stages page. Nobody is told of their own act.

- `test_stage_validation_requested`: the editor asks for a stage's validation — told to the
  active instructors;
- `test_stage_validated` / `test_stage_rejected`: the instruction decided — told to the active
  members of the editor's organisation.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.domain.notifications import organisation_member_emails
from portal.accounts.roles import Role
from portal.notifications.messenger import notify, register


def instructor_emails(**_context) -> set[str]:
    return set(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.INSTRUCTOR)
        .values_list("email", flat=True)
    )


def editor_emails(*, dossier, **_context) -> set[str]:
    return organisation_member_emails(dossier)


def stages_link(*, dossier, **_context) -> str:
    return reverse("sandbox:stages", args=[dossier.pk])


register(
    "test_stage_validation_requested",
    recipients=instructor_emails,
    link=stages_link,
    exclude_actor=True,
)
register("test_stage_validated", recipients=editor_emails, link=stages_link, exclude_actor=True)
register("test_stage_rejected", recipients=editor_emails, link=stages_link, exclude_actor=True)


def notify_stage_event(event: str, *, stage, actor) -> None:
    """Queue the e-mails of a stage's move (in the caller's transaction: sent once it commits)."""
    notify(event, dossier=stage.dossier, actor=actor, stage=stage)

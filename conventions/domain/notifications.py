"""The conventions app's events of the message fan-out (portal/notifications/messenger.py), each
pointing to the dossier's convention page (templates/notifications/convention_*_{subject,body}.txt):

- `convention_ready`: the convention's document is ready and awaits the editor's signature — to
  the members of the editor's organisation;
- `convention_accepted`: the editor's representative signed it — to the administrators, who
  countersign;
- `convention_signed`: both parties signed — to the organisation's members and the
  administrators (not the person who countersigned)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.domain.notifications import organisation_member_emails
from portal.accounts.roles import Role
from portal.notifications.messenger import register


def administrator_emails() -> set[str]:
    return set(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ADMIN)
        .values_list("email", flat=True)
    )


def convention_link(*, dossier, **_context) -> str:
    return reverse("conventions:convention-detail", args=[dossier.pk])


def convention_ready_recipients(*, dossier, **_context) -> set[str]:
    return organisation_member_emails(dossier)


def convention_accepted_recipients(**_context) -> set[str]:
    return administrator_emails()


def convention_signed_recipients(*, dossier, **_context) -> set[str]:
    return organisation_member_emails(dossier) | administrator_emails()


register("convention_ready", recipients=convention_ready_recipients, link=convention_link)
register(
    "convention_accepted",
    recipients=convention_accepted_recipients,
    link=convention_link,
    exclude_actor=True,
)
register(
    "convention_signed",
    recipients=convention_signed_recipients,
    link=convention_link,
    exclude_actor=True,
)

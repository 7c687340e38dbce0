"""The organisations' event of the message fan-out (portal/notifications/messenger.py):
`invitation`, a member invites someone to join their organisation. Sent to the invited address
only, with the acceptance link (the clear token travels in the e-mail alone) and a subject that
shows the organisation's name on one bounded line (the name is the editor's choice)."""

from django.urls import reverse

from portal.notifications.messenger import register

from .services import subject_fragment


def invitation_recipients(*, invitation, **_context) -> list[str]:
    return [invitation.email]


def invitation_context(*, invitation, actor, **_context) -> dict:
    return {"inviter": actor, "organisation_name": subject_fragment(invitation.organisation.name)}


def invitation_link(*, token, **_context) -> str:
    return reverse("organisations:invitation-accept", args=[token])


register(
    "invitation",
    recipients=invitation_recipients,
    context=invitation_context,
    link=invitation_link,
)

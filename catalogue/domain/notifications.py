"""The catalogue's events of the message fan-out (portal/notifications/messenger.py), registered
when the app is ready (catalogue/apps.py imports this module).

Cards (templates/notifications/card_*_{subject,body}.txt):
- `card_submitted`: a card waits for review — told to the administrators, pointing to its review
  page;
- `card_changes_requested`: the administration sent the card back, with its comment — told to the
  members of the service's organisation, pointing to the card's page;
- `card_approved`: the card is approved — told to the same people.
Nobody is told of their own act.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.accounts.roles import Role
from portal.notifications.messenger import notify, register


def card_organisation_emails(*, card, **_context) -> set[str]:
    """The active members of the organisation whose service the card describes."""
    return set(
        get_user_model()
        .objects.filter(is_active=True, memberships__organisation_id=card.service.organisation_id)
        .values_list("email", flat=True)
    )


def card_reviewer_emails(**_context) -> set[str]:
    """The active administrators, who review the cards."""
    return set(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ADMIN)
        .values_list("email", flat=True)
    )


def card_review_link(*, card, **_context) -> str:
    return reverse("catalogue:card-review", args=[card.pk])


def card_editor_link(*, card, **_context) -> str:
    return reverse("catalogue:card-service", args=[card.service_id])


register(
    "card_submitted", recipients=card_reviewer_emails, link=card_review_link, exclude_actor=True
)
register(
    "card_changes_requested",
    recipients=card_organisation_emails,
    link=card_editor_link,
    exclude_actor=True,
)
register(
    "card_approved", recipients=card_organisation_emails, link=card_editor_link, exclude_actor=True
)


def notify_card_event(event: str, *, card, actor) -> None:
    """Queue the e-mails of a card's move (in the caller's transaction: sent once it commits)."""
    notify(event, actor=actor, card=card)

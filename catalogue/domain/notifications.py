"""The catalogue's events of the message fan-out (portal/notifications/messenger.py), registered
when the app is ready (catalogue/apps.py imports this module).

Cards (templates/notifications/card_*_{subject,body}.txt):
- `card_submitted`: a card waits for review — told to the administrators, pointing to its review
  page;
- `card_changes_requested`: the administration sent the card back, with its comment — told to the
  members of the service's organisation, pointing to the card's page;
- `card_approved`: the card is approved — told to the same people.
Nobody is told of their own act.

A referencing's expiry (catalogue/domain/expiry.py; templates/notifications/
referencing_expiry_*), told to the current members of the editor's organisation, pointing to
the dossier:
- `referencing_expiry_reminder`: the referencing ends on a given day, some months ahead;
- `referencing_expiry_grace`: it has ended, and the service stays published while its renewal
  is examined, until a given day. (Its suspension at expiry is told by `dossier_transition`.)

Reports and controls (catalogue/domain/reports.py, controls.py; templates/notifications/
report_*), pointing to the report's or the dossier's page:
- `report_answer_requested`: the instruction team asks the editor's members to answer a report
  by a given day;
- `report_answered`: the editor answered — told to the instructor who sent the report;
- `report_suspension_proposed`: a control's conclusion proposes suspending the service — told
  to the ministry and the administration.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.domain.notifications import dossier_link, organisation_member_emails
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


# -- a referencing's expiry ----------------------------------------------------------------------


def referencing_members_emails(*, dossier, **_context) -> set[str]:
    """The current, active members of the organisation whose service `dossier` references: a
    former member (membership removed, account deactivated) is told nothing."""
    return organisation_member_emails(dossier)


register("referencing_expiry_reminder", recipients=referencing_members_emails, link=dossier_link)
register("referencing_expiry_grace", recipients=referencing_members_emails, link=dossier_link)


# -- reports and controls ------------------------------------------------------------------------


def report_link(*, report, **_context) -> str:
    return reverse("catalogue:report-detail", args=[report.pk])


def report_editor_emails(*, report, **_context) -> set[str]:
    return organisation_member_emails(report.dossier)


def report_triager_emails(*, report, **_context) -> set[str]:
    person = report.triaged_by
    return {person.email} if person is not None and person.is_active else set()


def suspension_deciders_emails(**_context) -> set[str]:
    """The active ministry representatives and administrators: they decide on a suspension."""
    return set(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.MINISTRY, Role.ADMIN])
        .values_list("email", flat=True)
    )


register(
    "report_answer_requested",
    recipients=report_editor_emails,
    link=report_link,
    exclude_actor=True,
)
register("report_answered", recipients=report_triager_emails, link=report_link, exclude_actor=True)
register(
    "report_suspension_proposed",
    recipients=suspension_deciders_emails,
    link=dossier_link,
    exclude_actor=True,
)

"""Who is told of each transition, and the e-mail they receive: the `dossier_transition` event
of the message fan-out (portal/notifications/messenger.py), written in
templates/notifications/dossier_transition_{subject,body}.txt.

The editor's organisation is always told, and the staff roles of `STAFF_TOLD_ON_ENTRY`; the
reviews app adds the cleared experts and the commission members (reviews/domain/notifications.py).
The person who acted is never told of their own act.

Filing a dossier (`FILING_ACKNOWLEDGED`) sends its organisation's current members, the one who
filed included, an acknowledgement instead (`dossier_filed`, templates/notifications/
dossier_filed_{subject,body}.txt): the reference, and the day by which the admissibility is
examined (applications/domain/deadlines.py). Each person receives one e-mail per filing."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.accounts.roles import Role
from portal.notifications.messenger import notify, register

from ..enums import DossierState
from .deadlines import stage_deadline, stage_deadline_days

S = DossierState

#: Beyond the editor's organisation (always told), the roles told when a dossier enters a state.
STAFF_TOLD_ON_ENTRY = {
    S.SUBMITTED: [Role.INSTRUCTOR],
    S.UNDER_EVALUATION: [Role.INSTRUCTOR],
    S.COMPLEMENTS_REQUESTED: [Role.INSTRUCTOR],
    S.EVALUATED: [Role.INSTRUCTOR],
    S.OPINION_FAVORABLE: [Role.MINISTRY, Role.INSTRUCTOR],
    S.OPINION_RESERVED: [Role.MINISTRY, Role.INSTRUCTOR],
    S.OPINION_UNFAVORABLE: [Role.MINISTRY, Role.INSTRUCTOR],
    S.REFERENCED: [Role.ADMIN, Role.INSTRUCTOR],
    S.REFUSED: [Role.INSTRUCTOR],
    S.PUBLISHED: [Role.INSTRUCTOR],
    S.SUSPENDED: [Role.INSTRUCTOR, Role.MINISTRY],
    S.DEREFERENCED: [Role.INSTRUCTOR, Role.ADMIN],
    S.WITHDRAWN: [Role.INSTRUCTOR],
}


def organisation_member_emails(dossier) -> set[str]:
    """The active members of the editor's organisation that files `dossier`."""
    return set(
        get_user_model()
        .objects.filter(
            is_active=True, memberships__organisation_id=dossier.service.organisation_id
        )
        .values_list("email", flat=True)
    )


#: Transitions whose organisation receives the `dossier_filed` acknowledgement (and so not the
#: `dossier_transition` message as well).
FILING_ACKNOWLEDGED = ("submit", "resubmit")


def transition_recipients(*, dossier, log, **_context) -> set[str]:
    emails = set() if log.transition in FILING_ACKNOWLEDGED else organisation_member_emails(dossier)
    roles = STAFF_TOLD_ON_ENTRY.get(log.to_state, [])
    if roles:
        emails |= set(
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=roles)
            .values_list("email", flat=True)
        )
    return emails


def dossier_link(*, dossier, **_context) -> str:
    return reverse("applications:dossier-detail", args=[dossier.pk])


register(
    "dossier_transition",
    recipients=transition_recipients,
    link=dossier_link,
    exclude_actor=True,
)


def filed_recipients(*, dossier, **_context) -> set[str]:
    return organisation_member_emails(dossier)


def filed_context(*, dossier, **_context) -> dict:
    """The admissibility deadline the filing starts (none if that state has no deadline)."""
    return {
        "deadline": stage_deadline(dossier),
        "deadline_days": stage_deadline_days(dossier.state),
    }


# The person who filed receives the acknowledgement too: it is their proof of filing.
register("dossier_filed", recipients=filed_recipients, context=filed_context, link=dossier_link)


def notify_transition(*, log, dossier) -> None:
    """Queue the transition's e-mails (in the caller's transaction: sent once it commits)."""
    notify("dossier_transition", dossier=dossier, actor=log.actor, log=log)
    if log.transition in FILING_ACKNOWLEDGED:
        notify("dossier_filed", dossier=dossier, actor=log.actor, log=log)

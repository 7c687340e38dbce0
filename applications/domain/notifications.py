"""Who is told of each transition, and the e-mail they receive (through the outbox)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from portal.accounts.roles import Role
from portal.notifications.services import outbox_enqueue_many
from reviews.rules import cleared_expert_ids

from ..enums import DossierState

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


def transition_recipients(*, dossier, to_state: str, actor) -> set[str]:
    User = get_user_model()
    people = User.objects.filter(is_active=True)
    emails = set(
        people.filter(memberships__organisation_id=dossier.service.organisation_id).values_list(
            "email", flat=True
        )
    )
    roles = STAFF_TOLD_ON_ENTRY.get(to_state, [])
    if roles:
        emails |= set(people.filter(groups__name__in=roles).values_list("email", flat=True))
    if to_state in (S.UNDER_EVALUATION, S.EVALUATED):
        # Only the experts the dossier is open to: not those released (conflict, replaced) nor
        # those whose declaration of interests is still expected.
        emails |= set(
            people.filter(pk__in=cleared_expert_ids(dossier)).values_list("email", flat=True)
        )
    if to_state == S.IN_COMMISSION:
        emails |= set(
            people.filter(commission_seats__session__agenda_items__dossier=dossier).values_list(
                "email", flat=True
            )
        )
    if actor is not None:
        emails.discard(actor.email)
    return emails


def notify_transition(*, log, dossier) -> None:
    recipients = transition_recipients(dossier=dossier, to_state=log.to_state, actor=log.actor)
    if not recipients:
        return
    from .workflow import TRANSITIONS

    context = {
        "dossier": dossier,
        "log": log,
        "action": TRANSITIONS[log.transition].label,
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("applications:dossier-detail", args=[dossier.pk]),
    }
    outbox_enqueue_many(
        recipients=recipients,
        subject=render_to_string("applications/email/transition_subject.txt", context).strip(),
        body=render_to_string("applications/email/transition_body.txt", context),
    )

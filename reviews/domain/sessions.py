"""Commission sessions: created by the instructors (members chosen among the commission, one
chair, a quorum rule); attendance recorded by the chair or an instructor until the minutes are
final (every item of the agenda closed)."""

from datetime import date as Date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.transitions import transition_apply
from portal.accounts.roles import Role

from ..models import AgendaItem, CommissionSession, SessionMember, VoteStatus

DEFAULT_QUORUM = Decimal("0.50")


def minutes_final(session: CommissionSession) -> bool:
    """The agenda has items and every one of them is closed: the minutes can be drawn up."""
    items = session.agenda_items.all()
    return items.exists() and not items.exclude(vote_status=VoteStatus.CLOSED).exists()


@transaction.atomic
def commission_session_create(
    *,
    actor,
    title: str,
    date: Date,
    members,
    chair,
    quorum_ratio: Decimal = DEFAULT_QUORUM,
) -> CommissionSession:
    """A session with its members, one of them chairing it."""
    if not r.is_instructor.test(actor):
        raise PermissionDenied(_("Seule l'équipe référencement crée les séances."))
    members = list(dict.fromkeys(members))
    errors = {}
    if not title.strip():
        errors["title"] = _("Donnez un intitulé à la séance.")
    if not members:
        errors["members"] = _("Choisissez les membres de la séance.")
    elif not all(person.has_role(Role.COMMISSION_MEMBER) for person in members):
        errors["members"] = _("Seuls des membres de la commission peuvent siéger.")
    if chair is None or chair not in members:
        errors["chair"] = _("Le président de séance doit être l'un des membres choisis.")
    if not Decimal(0) < quorum_ratio < Decimal(1):
        errors["quorum_ratio"] = _(
            "Le quorum est une part strictement comprise entre 0 et 1 (0,50 : plus de la moitié)."
        )
    if errors:
        raise ValidationError(errors)
    session = CommissionSession.objects.create(
        title=title.strip(), date=date, quorum_ratio=quorum_ratio
    )
    SessionMember.objects.bulk_create(
        SessionMember(session=session, user=person, is_chair=person.pk == chair.pk)
        for person in members
    )
    return session


def may_record_attendance(user, session: CommissionSession) -> bool:
    """The session's chair, or an instructor (the commission's secretariat)."""
    if r.is_instructor.test(user):
        return True
    return (
        r.is_commission_member.test(user)
        and session.members.filter(user=user, is_chair=True).exists()
    )


@transaction.atomic
def session_attendance_record(*, session: CommissionSession, actor, present_member_ids) -> int:
    """Mark the listed members present and the others absent; the number present."""
    session = CommissionSession.objects.select_for_update().get(pk=session.pk)
    if not may_record_attendance(actor, session):
        raise PermissionDenied(
            _("Seuls le président de séance et l'équipe référencement notent les présences.")
        )
    if minutes_final(session):
        raise ValidationError(
            _("Tous les votes de la séance sont clos : les présences ne peuvent plus changer.")
        )
    present = {int(pk) for pk in present_member_ids}
    members = set(session.members.values_list("pk", flat=True))
    if present - members:
        raise ValidationError({"present": _("Ces personnes ne siègent pas à cette séance.")})
    session.members.filter(pk__in=present).update(present=True)
    session.members.exclude(pk__in=present).update(present=False)
    return len(present)


def dossier_schedule(*, dossier, actor, session: CommissionSession, comment: str = ""):
    """The transition: put the dossier on the agenda of a commission session."""

    def add_to_agenda(locked):
        position = AgendaItem.objects.filter(session=session).count() + 1
        AgendaItem.objects.create(session=session, dossier=locked, position=position)

    return transition_apply(
        "schedule", dossier=dossier, actor=actor, comment=comment, on_applied=add_to_agenda
    )

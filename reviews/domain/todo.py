"""What waits for the instructors, the editors and the commission members: their to-do lists
(`RoleList`, applications/domain/dossier_lists.py), derived from the states and the guards of
the transitions that are theirs — nothing here is a state of its own.

- **Instructors**: a filed dossier (its admissibility, its experts, `start_evaluation`); a dossier
  under evaluation whose experts have nothing left to do — every active assignment's domain
  signed (`complete_evaluation`, guard `every_domain_evaluation_signed`), or a domain left
  without an active expert after a conflict of interest (to assign again); complements returned
  by the editor come back under evaluation and follow the same rule; an evaluated dossier
  (`schedule`); a favorable opinion with suspensive reservations the editor has answered
  (`lift_reservations`, guard `reservations_answered`).
- **Editors**, for the instruction: a draft (`submit`), an incomplete dossier (`resubmit`),
  complements requested (`provide_complements`), suspensive reservations not answered yet
  (`editor_instruction_branches`; the catalogue adds the card and the convention of a referenced
  dossier: catalogue/domain/todo.py, `editor_list`).
- **Commission members**: the dossiers on the agenda of a session they sit on whose vote is not
  closed and on which they have neither voted nor declared a conflict, by session date; for the
  chair, also the closed votes whose opinion is still to be recorded (`record_opinion`).
"""

from functools import cache

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from applications.domain.dossier_lists import ALL_BUT_DRAFT, Branch, RoleList, states_in_order
from applications.enums import DossierState
from portal.accounts.roles import Role

from ..models import (
    AgendaItem,
    Assignment,
    DomainEvaluation,
    ItemConflict,
    ReservationResponse,
    Vote,
    VoteStatus,
)

S = DossierState


def _experts_done() -> Q:
    """No active assignment of the dossier still waits for its domain's signed evaluation."""
    signed = DomainEvaluation.objects.filter(dossier=OuterRef("dossier"), domain=OuterRef("domain"))
    still_working = Assignment.objects.active().filter(~Exists(signed), dossier=OuterRef("pk"))
    return ~Q(Exists(still_working))


def _domain_left_without_expert() -> Q:
    """An assignment of the dossier was released (a conflict of interest) and nobody holds its
    domain now: the instructors are to assign it again."""
    active_on_domain = Assignment.objects.active().filter(
        dossier=OuterRef("dossier"), domain=OuterRef("domain")
    )
    released = Assignment.objects.filter(
        ~Exists(active_on_domain), dossier=OuterRef("pk"), released_at__isnull=False
    )
    return Q(Exists(released))


def _reservations_answered() -> Q:
    return Q(Exists(ReservationResponse.objects.filter(dossier=OuterRef("pk"))))


@cache
def _instructor_list() -> RoleList:
    """Built once per process: the conditions are the same for every instructor (Django
    copies an expression before resolving it, so one `Q` serves every query)."""
    return RoleList(
        role=Role.INSTRUCTOR,
        states=ALL_BUT_DRAFT,
        branches=(
            Branch(S.SUBMITTED),
            Branch(S.UNDER_EVALUATION, _experts_done() | _domain_left_without_expert()),
            Branch(S.EVALUATED),
            Branch(S.OPINION_RESERVED, _reservations_answered()),
        ),
    )


def instructor_list(user) -> RoleList:
    return _instructor_list()


@cache
def editor_instruction_branches() -> tuple[Branch, ...]:
    """The editor's share of the instruction, the same for every editor (built once)."""
    return (
        Branch(S.DRAFT),
        Branch(S.INCOMPLETE),
        Branch(S.COMPLEMENTS_REQUESTED),
        Branch(S.OPINION_RESERVED, ~_reservations_answered()),
    )


def _my_open_items(user) -> QuerySet[AgendaItem]:
    """Agenda items of the user's sessions, for a dossier in commission, that call for them."""
    mine = Vote.objects.filter(item=OuterRef("pk"), member__user=user)
    conflicted = ItemConflict.objects.filter(item=OuterRef("pk"), member__user=user)
    chaired = user.commission_seats.filter(session=OuterRef("session"), is_chair=True)
    to_vote = ~Q(vote_status=VoteStatus.CLOSED) & ~Q(Exists(mine)) & ~Q(Exists(conflicted))
    to_record = Q(vote_status=VoteStatus.CLOSED) & Q(Exists(chaired))
    return AgendaItem.objects.filter(
        Q(Exists(user.commission_seats.filter(session=OuterRef("session")))),
        to_vote | to_record,
        dossier__state=S.IN_COMMISSION,
    )


def commission_list(user) -> RoleList:
    """A member sees only the dossiers of their sessions' agendas: a handful, read in session
    order (the vote's date is the deadline) without an index of the whole table."""

    def todo(dossiers: QuerySet) -> QuerySet:
        items = _my_open_items(user).filter(dossier=OuterRef("pk"))
        first = items.order_by("session__date", "position").values("session__date")[:1]
        return (
            dossiers.filter(Exists(items))
            .annotate(session_date=Subquery(first))
            .order_by("session_date", "pk")
        )

    return RoleList(
        role=Role.COMMISSION_MEMBER,
        states=states_in_order({S.IN_COMMISSION, *S.opinion_given(), *S.decided(), S.WITHDRAWN}),
        todo=todo,
    )

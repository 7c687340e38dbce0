"""Reads behind the commission's pages: who sees which sessions, a session with its members and
agenda, one agenda item as a member sees it, the minutes, and what the dossier page shows of the
commission. Each runs a fixed number of queries whatever the number of items, members or votes."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.queries import dossiers_visible_to, visible_other_than_as_expert
from applications.enums import DossierState, Opinion

from ..models import (
    AgendaItem,
    CommissionSession,
    EvaluationReport,
    ItemConflict,
    SessionMember,
    Vote,
    VoteStatus,
)
from ..models.commission import Ballot
from .commission import CAUTION, current_agenda_item, vote_opens_on, vote_result
from .scoring import evaluation_scores
from .sessions import may_record_attendance, minutes_final


def quorum_words(ratio: Decimal) -> str:
    """The quorum rule as the minutes and the pages say it."""
    if ratio == Decimal("0.5"):
        share = _("plus de la moitié")
    else:
        share = _("plus de %(pct)s %%") % {"pct": f"{ratio * 100:.0f}"}
    return _(
        "%(share)s des membres sans conflit d'intérêts ont pris part au vote, abstentions comprises"
    ) % {"share": share}


def may_list_sessions(user) -> bool:
    return bool(
        r.is_instructor.test(user)
        or r.is_admin.test(user)
        or r.is_ministry.test(user)
        or r.is_commission_member.test(user)
    )


def sessions_visible_to(user) -> QuerySet[CommissionSession]:
    """Every session for instructors, the ministry and administrators; a commission member's
    own sessions; none for anyone else (their pages answer 404)."""
    if not user.is_authenticated or not user.is_active:
        return CommissionSession.objects.none()
    if r.is_instructor.test(user) or r.is_admin.test(user) or r.is_ministry.test(user):
        return CommissionSession.objects.all()
    if r.is_commission_member.test(user):
        return CommissionSession.objects.filter(
            pk__in=SessionMember.objects.filter(user=user).values("session_id")
        )
    return CommissionSession.objects.none()


def sessions_for_list(user) -> QuerySet[CommissionSession]:
    """The sessions the user sees, the most recent first, with their counts and chair."""
    closed = Q(agenda_items__vote_status=VoteStatus.CLOSED)
    return (
        sessions_visible_to(user)
        .annotate(
            item_count=Count("agenda_items", distinct=True),
            closed_count=Count("agenda_items", filter=closed, distinct=True),
            member_count=Count("members", distinct=True),
            sits=Exists(SessionMember.objects.filter(session=OuterRef("pk"), user=user)),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=SessionMember.objects.filter(is_chair=True).select_related("user"),
                to_attr="chairs",
            )
        )
        .order_by("-date", "-pk")
    )


@dataclass
class SessionPage:
    session: CommissionSession
    members: list
    items: list
    me: SessionMember | None
    can_record_attendance: bool
    minutes_available: bool
    can_schedule: bool
    visible_dossier_ids: frozenset = frozenset()

    @property
    def chair(self) -> SessionMember | None:
        return next((m for m in self.members if m.is_chair), None)

    @property
    def quorum_words(self) -> str:
        return quorum_words(self.session.quorum_ratio)

    @property
    def present_count(self) -> int:
        return sum(1 for m in self.members if m.present)

    @property
    def upcoming(self) -> bool:
        return self.session.date >= timezone.localdate()


def session_page(*, session: CommissionSession, user) -> SessionPage:
    members = list(
        session.members.select_related("user").order_by("-is_chair", "user__last_name", "pk")
    )
    items = list(
        session.agenda_items.select_related("dossier__service__organisation").order_by(
            "position", "pk"
        )
    )
    final = bool(items) and all(i.vote_status == VoteStatus.CLOSED for i in items)
    visible = dossiers_visible_to(user).filter(pk__in=[i.dossier_id for i in items])
    return SessionPage(
        session=session,
        members=members,
        items=items,
        me=next((m for m in members if m.user_id == user.pk), None),
        can_record_attendance=not final and may_record_attendance(user, session),
        minutes_available=final,
        can_schedule=r.is_instructor.test(user),
        visible_dossier_ids=frozenset(visible.values_list("pk", flat=True)),
    )


def agenda_items_of_member(user) -> QuerySet[AgendaItem]:
    """Items of the sessions the user sits on (as a commission member); others answer 404."""
    if not r.is_commission_member.test(user):
        return AgendaItem.objects.none()
    return AgendaItem.objects.filter(
        session__members__user=user, dossier__in=dossiers_visible_to(user)
    ).select_related("session", "dossier__service__organisation", "dossier__referential_version")


@dataclass
class ItemPage:
    item: AgendaItem
    me: SessionMember
    conflicts: list
    votes: list
    voters: int
    report: EvaluationReport | None
    scores: object
    my_conflict: ItemConflict | None = None
    my_vote: Vote | None = None
    tally: list = field(default_factory=list)
    abstentions_counted: int = 0
    present_ids: frozenset = frozenset()

    @property
    def dossier(self):
        return self.item.dossier

    @property
    def session(self):
        return self.item.session

    @property
    def is_chair(self) -> bool:
        return self.me.is_chair

    @property
    def is_open(self) -> bool:
        return self.item.vote_status == VoteStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.item.vote_status == VoteStatus.CLOSED

    @property
    def may_open_now(self) -> bool:
        """Whether the chair's "open" would be accepted, the session's date aside."""
        return (
            self.is_chair
            and (self.item.vote_status == VoteStatus.NOT_OPENED or self.item.needs_new_round)
            and self.dossier.state == DossierState.IN_COMMISSION
        )

    @property
    def opens_on(self):
        """The session's day when the vote may not open yet (it opens on that day), or None."""
        return vote_opens_on(self.session)

    @property
    def can_open(self) -> bool:
        return self.may_open_now and self.opens_on is None

    @property
    def new_round(self) -> bool:
        return self.item.needs_new_round

    @property
    def can_close(self) -> bool:
        return self.is_chair and self.is_open

    @property
    def can_vote(self) -> bool:
        return self.is_open and self.my_conflict is None

    @property
    def can_declare_conflict(self) -> bool:
        return not self.is_closed and self.my_conflict is None

    @property
    def can_record_opinion(self) -> bool:
        return (
            self.is_chair
            and bool(self.item.voted_opinion)
            and self.dossier.state == DossierState.IN_COMMISSION
        )

    @property
    def counted_votes(self) -> list:
        """The votes of the members present (an absent member's vote is not counted)."""
        return [v for v in self.votes if v.member_id in self.present_ids]

    @property
    def participants(self) -> int:
        """Members who voted or abstained: they count for the quorum."""
        return len(self.counted_votes)

    @property
    def abstentions(self) -> int:
        return sum(1 for v in self.counted_votes if v.is_abstention)

    @property
    def quorum_met_now(self) -> bool:
        """Whether closing the vote now would find the quorum (`vote_result`'s rule)."""
        quorum, _opinion, _tally = vote_result(
            votes=self.counted_votes,
            eligible=self.voters,
            quorum_ratio=self.session.quorum_ratio,
            chair_member_id=None,
        )
        return quorum

    @property
    def quorum_words(self) -> str:
        return quorum_words(self.session.quorum_ratio)


def tally_rows(tally: dict) -> list[tuple[str, int]]:
    """(opinion label, votes) for the four opinions, the most favourable first."""
    return [(str(Opinion(o).label), int(tally.get(str(o), 0))) for o in CAUTION]


def tally_abstentions(tally: dict) -> int:
    return int(tally.get(str(Ballot.ABSTENTION), 0))


def item_page(*, item: AgendaItem, user) -> ItemPage:
    members = list(SessionMember.objects.filter(session_id=item.session_id))
    me = next(m for m in members if m.user_id == user.pk)
    conflicts = list(
        ItemConflict.objects.filter(item=item)
        .select_related("member__user")
        .order_by("declared_at", "pk")
    )
    conflicted = {c.member_id for c in conflicts}
    votes = list(
        Vote.objects.filter(item=item)
        .exclude(member_id__in=conflicted)
        .select_related("member__user")
        .order_by("member__user__last_name", "pk")
    )
    return ItemPage(
        item=item,
        me=me,
        conflicts=conflicts,
        votes=votes,
        voters=sum(1 for m in members if m.pk not in conflicted),
        report=EvaluationReport.objects.filter(dossier_id=item.dossier_id).first(),
        scores=evaluation_scores(item.dossier),
        my_conflict=next((c for c in conflicts if c.member_id == me.pk), None),
        my_vote=next((v for v in votes if v.member_id == me.pk), None),
        tally=tally_rows(item.tally or {}),
        abstentions_counted=tally_abstentions(item.tally or {}),
        present_ids=frozenset(m.pk for m in members if m.present),
    )


@dataclass
class MinutesItem:
    item: AgendaItem
    conflicts: list
    votes: list
    tally: list
    voters: int
    abstentions: int = 0

    @property
    def dossier(self):
        return self.item.dossier

    @property
    def participants(self) -> int:
        """Members who voted or abstained, as the closed vote counted them."""
        return sum(count for _label, count in self.tally) + self.abstentions


def minutes_context(session: CommissionSession) -> dict:
    """What the minutes (procès-verbal) of a session say: attendance, then per item the
    conflicts, each vote, the tally, the quorum and the resulting opinion. They are drawn up as of
    the session's date (`established_on`), whenever the PDF is produced."""
    members = list(
        session.members.select_related("user").order_by("-is_chair", "user__last_name", "pk")
    )
    items = (
        session.agenda_items.select_related("dossier__service__organisation")
        .prefetch_related(
            Prefetch(
                "conflicts",
                queryset=ItemConflict.objects.select_related("member__user").order_by("pk"),
            ),
            Prefetch(
                "votes",
                queryset=Vote.objects.select_related("member__user").order_by(
                    "member__user__last_name", "pk"
                ),
            ),
        )
        .order_by("position", "pk")
    )
    rows = []
    for item in items:
        conflicted = {c.member_id for c in item.conflicts.all()}
        rows.append(
            MinutesItem(
                item=item,
                conflicts=list(item.conflicts.all()),
                votes=[v for v in item.votes.all() if v.member_id not in conflicted],
                tally=tally_rows(item.tally or {}),
                voters=len(members) - len(conflicted),
                abstentions=tally_abstentions(item.tally or {}),
            )
        )
    return {
        "session": session,
        "members": members,
        "present": [m for m in members if m.present],
        "absent": [m for m in members if not m.present],
        "chair": next((m for m in members if m.is_chair), None),
        "quorum_words": quorum_words(session.quorum_ratio),
        "items": rows,
        "established_on": session.date,
        "generated_at": timezone.now(),
    }


@dataclass
class CommissionPanel:
    """What the dossier page shows of the commission, for one person."""

    dossier: object
    item: AgendaItem | None = None
    sits: bool = False
    sees_opinion: bool = False
    can_respond: bool = False
    can_lift: bool = False
    responses: list = field(default_factory=list)
    minutes_available: bool = False

    @property
    def reserved(self) -> bool:
        return self.dossier.state == DossierState.OPINION_RESERVED

    @property
    def empty(self) -> bool:
        return not (self.sits or (self.sees_opinion and self.dossier.opinion) or self.responses)


def commission_panel(*, dossier, user) -> CommissionPanel:
    panel = CommissionPanel(dossier=dossier)
    item = current_agenda_item(dossier)
    if item is None or not user.is_authenticated:
        return panel
    panel.item = item
    panel.sits = (
        r.is_commission_member.test(user)
        and SessionMember.objects.filter(session_id=item.session_id, user=user).exists()
    )
    panel.sees_opinion = visible_other_than_as_expert(user, dossier)
    if not panel.sees_opinion:
        return panel
    panel.can_respond = panel.reserved and r.dossier_editor.test(user, dossier)
    panel.can_lift = panel.reserved and r.can_lift_reservations.test(user, dossier)
    if dossier.opinion:
        panel.responses = list(dossier.reservation_responses.select_related("responded_by"))
    panel.minutes_available = sessions_visible_to(user).filter(
        pk=item.session_id
    ).exists() and minutes_final(item.session)
    return panel

"""Read side of the instruction: the instructors' queue, the experts' queue and what the dossier
page shows of the instruction. Each list runs a fixed number of queries whatever its length, and
each query reads an index in the list's order, or counts up to a horizon
(applications/domain/pagination.py): the cost of a page does not grow with the table. Both
queues take the search of every staff list (`q`: applications/domain/dossier_search.py).

The deadline of a stage (`Delay`, `dossier_delay`) is the applications app's
(applications/domain/dossier_lists.py, applications/domain/deadlines.py); `stage_deadline_days`
and `dossier_delay` stay importable from here."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import rules as r
from applications.domain.applicability import applicable_domains, with_applicability
from applications.domain.deadlines import stage_deadline_days
from applications.domain.dossier_lists import Delay, dossier_delay
from applications.domain.dossier_search import dossier_match
from applications.domain.pagination import CappedCount, capped_counts
from applications.domain.queries import visibility_by_role, visible_other_than_as_expert
from applications.enums import Domain, DossierState
from applications.models import Dossier
from portal.accounts.roles import Role

from ..models import (
    Assignment,
    ComplementItem,
    ConflictStatus,
    DomainEvaluation,
    EvaluationReport,
)
from ..rules import cleared_assignments, expert_queue_assignments
from .admissibility import latest_incompleteness_items
from .complements import open_complement_request

S = DossierState

#: The instructors' queue, one tab per state, in the order of the instruction.
QUEUE_STATES = (S.SUBMITTED, S.UNDER_EVALUATION, S.COMPLEMENTS_REQUESTED, S.EVALUATED)
#: States in which an expert's assignment still calls for work.
EXPERT_ACTIVE_STATES = (S.SUBMITTED, S.UNDER_EVALUATION, S.COMPLEMENTS_REQUESTED)
#: The others: the dossier went further (or back to its editor, or was withdrawn).
EXPERT_FINISHED_STATES = tuple(state for state in S if state not in EXPERT_ACTIVE_STATES)
#: Roles that may read the evaluation report (never the editor, never an expert as such).
REPORT_READER_ROLES = (Role.INSTRUCTOR, Role.COMMISSION_MEMBER, Role.MINISTRY, Role.ADMIN)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# ---------------------------------------------------------------------------------------------
# The instructors' queue
# ---------------------------------------------------------------------------------------------


@dataclass
class QueueTab:
    state: str
    label: str
    #: Counted up to `COUNT_HORIZON` (applications/domain/pagination.py): `exact` says whether
    #: there are more.
    total: CappedCount = field(default_factory=lambda: CappedCount(0))
    late: CappedCount = field(default_factory=lambda: CappedCount(0))
    deadline_days: int | None = None


@dataclass
class QueueRow:
    dossier: Dossier
    delay: Delay
    experts_needed: int
    experts_assigned: int

    @property
    def experts_missing(self) -> int:
        return max(self.experts_needed - self.experts_assigned, 0)


def instructor_queue_tabs(today: date | None = None, q: str = "") -> list[QueueTab]:
    """Each state of the queue with its number of dossiers and of late ones (those matching the
    search `q`, if any): one query, each figure a scan of that state's dossiers (an index on
    state, or on state and state_changed_at) stopped after `COUNT_HORIZON` rows, so that it
    costs the same at any number of dossiers (beyond the horizon: "plus de")."""
    today = today or timezone.localdate()
    querysets = {}
    for state in QUEUE_STATES:
        in_state = Dossier.objects.filter(state=state).filter(dossier_match(q))
        querysets[state, "total"] = in_state
        days = stage_deadline_days(state)
        if days is not None:
            cutoff = _start_of_day(today - timedelta(days=days))
            querysets[state, "late"] = in_state.filter(state_changed_at__lt=cutoff)
    counts = capped_counts(querysets)
    return [
        QueueTab(
            state=state,
            label=S(state).label,
            total=counts[state, "total"],
            late=counts.get((state, "late"), CappedCount(0)),
            deadline_days=stage_deadline_days(state),
        )
        for state in QUEUE_STATES
    ]


def instructor_queue(state: str, q: str = "") -> QuerySet[Dossier]:
    """Dossiers in `state` (matching the search `q`, if any), the longest waiting first, with
    their count of active experts: read in the order of the (state, state_changed_at, id) index,
    one page at a time."""
    active_experts = (
        Assignment.objects.active()
        .filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        with_applicability(Dossier.objects.filter(state=state).filter(dossier_match(q)))
        .select_related("service__organisation")
        .defer("search_vector")
        .annotate(active_experts=Coalesce(Subquery(active_experts, output_field=IntegerField()), 0))
        .order_by("state_changed_at", "pk")
    )


def queue_rows(dossiers, today: date | None = None) -> list[QueueRow]:
    today = today or timezone.localdate()
    return [
        QueueRow(
            dossier=dossier,
            delay=dossier_delay(dossier, today),
            experts_needed=len(applicable_domains(dossier)),
            experts_assigned=dossier.active_experts,
        )
        for dossier in dossiers
    ]


# ---------------------------------------------------------------------------------------------
# The experts' queue
# ---------------------------------------------------------------------------------------------


#: The views of "Mes évaluations" (`?vue=`): the to-do (the default), the evaluations signed on
#: dossiers still under evaluation, the dossiers that went further, everything.
EXPERT_TODO = ""
EXPERT_SIGNED = "signees"
EXPERT_FINISHED = "terminees"
EXPERT_ALL = "toutes"
EXPERT_VIEWS = (EXPERT_TODO, EXPERT_SIGNED, EXPERT_FINISHED, EXPERT_ALL)
EXPERT_VIEW_CHOICES = (
    (EXPERT_TODO, _("À traiter")),
    (EXPERT_SIGNED, _("Évaluations signées, dossier en cours")),
    (EXPERT_FINISHED, _("Dossiers passés à l'étape suivante")),
    (EXPERT_ALL, _("Toutes mes affectations")),
)


def expert_view(value) -> str:
    """The view asked for (`?vue=`), the to-do for an unknown value."""
    return value if value in EXPERT_VIEWS else EXPERT_TODO


def expert_queue(user, *, view: str = EXPERT_TODO, q: str = "") -> QuerySet[Assignment]:
    """The expert's cleared assignments and those awaiting their declaration (never a released
    one), in one of `EXPERT_VIEWS`, matching the search `q` (on a pending assignment, only by
    the service's and its editor's names: nothing else of the dossier is open yet).

    The to-do — declarations to make, evaluations to give and sign on dossiers under
    evaluation — is read soonest due first, in the order of the partial index
    `assignment_expert_queue_idx` (one page read, each row's dossier by its key); so are the
    signed ones and the whole list. The dossiers that went further are read the most recent
    assignment first, in the order of `assignment_expert_recent_idx` (migration reviews
    `assignment_changes`): that page skips only the expert's assignments still in progress, the
    most recent ones, however long their history. The to-do skips, on its way, the expert's
    assignments due earlier that are signed or finished: its cost grows with their own history,
    never with the table."""
    signed = DomainEvaluation.objects.filter(dossier=OuterRef("dossier"), domain=OuterRef("domain"))
    assignments = (
        expert_queue_assignments(user)
        .select_related("dossier__service__organisation")
        .defer("dossier__search_vector")
        .annotate(signed=Exists(signed))
    )
    if q:
        assignments = assignments.filter(
            dossier_match(
                q, prefix="dossier__", reference_if=Q(conflict_status=ConflictStatus.NONE)
            )
        )
    soonest_due = (F("due_on").asc(nulls_last=True), "assigned_at", "pk")
    if view == EXPERT_FINISHED:
        return assignments.filter(dossier__state__in=EXPERT_FINISHED_STATES).order_by(
            "-assigned_at", "-pk"
        )
    if view == EXPERT_ALL:
        return assignments.order_by(*soonest_due)
    active = assignments.filter(dossier__state__in=EXPERT_ACTIVE_STATES)
    if view == EXPERT_SIGNED:
        return active.filter(signed=True).order_by(*soonest_due)
    return active.filter(signed=False).order_by(*soonest_due)


@dataclass
class ExpertRow:
    assignment: Assignment
    today: date

    @property
    def days_left(self) -> int | None:
        due = self.assignment.due_on
        return (due - self.today).days if due else None

    @property
    def late(self) -> bool:
        return (
            self.assignment.due_on is not None
            and self.today > self.assignment.due_on
            and not self.assignment.signed
            and self.assignment.dossier.state in EXPERT_ACTIVE_STATES
        )

    @property
    def days_late(self) -> int:
        return (self.today - self.assignment.due_on).days if self.late else 0


def expert_rows(assignments, today: date | None = None) -> list[ExpertRow]:
    today = today or timezone.localdate()
    return [ExpertRow(assignment, today) for assignment in assignments]


# ---------------------------------------------------------------------------------------------
# The dossier page
# ---------------------------------------------------------------------------------------------


def can_read_report(user, dossier) -> bool:
    """Instructors, commission members of its session, the ministry and administrators."""
    filters = [q for role, q in visibility_by_role(user).items() if role in REPORT_READER_ROLES]
    if not filters:
        return False
    combined = filters[0]
    for extra in filters[1:]:
        combined |= extra
    return Dossier.objects.filter(combined, pk=dossier.pk).exists()


@dataclass
class DomainAssignment:
    code: str
    label: str
    assignment: Assignment | None
    signed: bool = False


@dataclass
class ReviewPanel:
    """What the dossier page shows of the instruction, for one person."""

    dossier: Dossier
    is_instructor: bool = False
    sees_questionnaire: bool = False
    incompleteness_items: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    my_assignments: list = field(default_factory=list)
    can_assign: bool = False
    can_request_complements: bool = False
    report: EvaluationReport | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.is_instructor
            or self.incompleteness_items
            or self.questions
            or self.my_assignments
            or self.report
        )


def review_panel(*, dossier: Dossier, user) -> ReviewPanel:
    panel = ReviewPanel(dossier=dossier)
    other_than_expert = visible_other_than_as_expert(user, dossier)
    panel.is_instructor = r.is_instructor.test(user) and other_than_expert
    panel.sees_questionnaire = other_than_expert
    cleared = {a.domain: a for a in cleared_assignments(user).filter(dossier=dossier)}
    signed = set(dossier.domain_evaluations.values_list("domain", flat=True))
    if dossier.state == S.INCOMPLETE and other_than_expert:
        panel.incompleteness_items = latest_incompleteness_items(dossier)
    request = open_complement_request(dossier)
    if request is not None:
        questions = ComplementItem.objects.filter(request=request).select_related("requirement")
        panel.questions = [
            q for q in questions if other_than_expert or q.requirement.domain in cleared
        ]
        panel.questions.sort(key=lambda q: q.requirement.position)
    if panel.is_instructor:
        active = {a.domain: a for a in dossier.assignments.active().select_related("expert")}
        panel.domains = [
            DomainAssignment(code, Domain(code).label, active.get(code), code in signed)
            for code in applicable_domains(dossier)
        ]
    panel.my_assignments = [
        DomainAssignment(code, Domain(code).label, cleared[code], code in signed)
        for code in applicable_domains(dossier)
        if code in cleared
    ]
    panel.can_assign = panel.is_instructor and dossier.state in EXPERT_ACTIVE_STATES
    panel.can_request_complements = dossier.state == S.UNDER_EVALUATION and bool(
        panel.is_instructor or cleared
    )
    if can_read_report(user, dossier):
        panel.report = EvaluationReport.objects.filter(dossier=dossier).first()
    return panel

"""Lists of dossiers that are to-do lists: what waits for one person first, the soonest deadline
first; the rest of what they may see behind a state filter; a search; pages whose cost does not
grow with the table.

A role's list is a `RoleList`. Its to-do is a few `Branch`es — one state each, with the condition
a dossier of that state meets when its next step is this role's (the conditions follow the
transitions and their guards; they are written by the app that owns the data they read:
reviews/domain/queues.py, catalogue/domain/todo.py) — or, for people who see few dossiers (an
editor, a commission member), one ordered queryset.

Deadline order at any size (`deadline_page`): inside one state, the deadline is the day the
dossier entered it plus that state's delay (applications/domain/deadlines.py), so the order of
the deadlines is the order of `state_changed_at`, which the (state, state_changed_at, id) index
`dossier_queue_idx` reads. Each branch reads the first `page × size` rows of its state in that
order (one UNION ALL query on PostgreSQL), the rows are merged in memory by deadline (states
without one last, the longest waiting first), the page cut out, and its dossiers read by key.
Counts stop at a horizon (applications/domain/pagination.py). Queries per page: one count, one
merge, one read of the rows, whatever the number of dossiers; rows read: `page × size` per
branch (plus, for a branch with a condition, the rows of its state that fail it on the way).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Role

from ..enums import DossierState
from ..models import Dossier
from .deadlines import stage_deadline, stage_deadline_days, stage_started_on
from .dossier_search import dossier_match, search_text
from .pagination import COUNT_HORIZON, MAX_PAGE_NUMBER, CappedCount, HorizonPaginator, capped_counts
from .queries import visibility_by_role

S = DossierState

#: The filter's value for the to-do list (the default) and for every dossier the role sees.
TODO = ""
ALL = "tous"


# ---------------------------------------------------------------------------------------------
# What a list is made of
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """The dossiers of `state` that meet `condition`: one state's share of a to-do list."""

    state: str
    condition: Q = field(default_factory=Q)


@dataclass(frozen=True)
class RoleList:
    """One role's list: its to-do (branches merged by deadline, or `todo`, one ordered queryset
    built on the role's visible dossiers) and the states its filter offers."""

    role: str
    states: tuple[str, ...]
    branches: tuple[Branch, ...] = ()
    todo: Callable[[QuerySet], QuerySet] | None = None


def states_in_order(states) -> tuple[str, ...]:
    """`states` in the order of the workflow (the enumeration's)."""
    wanted = {str(state) for state in states}
    return tuple(state.value for state in S if state.value in wanted)


ALL_BUT_DRAFT = states_in_order(state for state in S if state != S.DRAFT)


def ministry_list(user) -> RoleList:
    """The ministry decides after the commission's opinion: favorable (referenced or refused) or
    unfavorable (refused). A favorable opinion with suspensive reservations waits for them to be
    lifted (the editor answers, the instructors lift them): it is behind the filter."""
    return RoleList(
        role=Role.MINISTRY,
        states=states_in_order(S.seen_by_ministry()),
        branches=(Branch(S.OPINION_FAVORABLE), Branch(S.OPINION_UNFAVORABLE)),
    )


# ---------------------------------------------------------------------------------------------
# What the person asked for
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListCriteria:
    """The filter (`view`: the to-do, every dossier, or one state) and the search of a list,
    read from the query string; an unknown value reads as the to-do, never an error."""

    view: str = TODO
    q: str = ""

    @classmethod
    def from_query(cls, params, *, states: Sequence[str], view_param: str, q_param: str):
        view = params.get(view_param) or TODO
        if view != ALL and view not in states:
            view = TODO
        return cls(view=view, q=search_text(params.get(q_param)))

    @property
    def is_todo(self) -> bool:
        return self.view == TODO


def view_choices(states: Sequence[str]) -> list[tuple[str, str]]:
    """The filter's options: the to-do, every dossier, then each state."""
    return [
        (TODO, _("À traiter")),
        (ALL, _("Tous les dossiers")),
        *((state, S(state).label) for state in states),
    ]


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@dataclass
class Delay:
    """How long a dossier (or an assignment) has been waiting, and whether it is late."""

    since: date | None
    deadline: date | None
    today: date

    @property
    def days(self) -> int | None:
        return (self.today - self.since).days if self.since else None

    @property
    def late(self) -> bool:
        return self.deadline is not None and self.today > self.deadline

    @property
    def days_late(self) -> int:
        return (self.today - self.deadline).days if self.late else 0

    @property
    def days_left(self) -> int | None:
        return (self.deadline - self.today).days if self.deadline else None


def dossier_delay(dossier: Dossier, today: date | None = None) -> Delay:
    """The dossier's stage: since when, until when (applications/domain/deadlines.py)."""
    today = today or timezone.localdate()
    return Delay(stage_started_on(dossier), stage_deadline(dossier), today)


@dataclass
class DossierRow:
    dossier: Dossier
    delay: Delay


def dossier_rows(dossiers, today: date | None = None) -> list[DossierRow]:
    today = today or timezone.localdate()
    return [DossierRow(dossier, dossier_delay(dossier, today)) for dossier in dossiers]


class ListPaginator(Paginator):
    """A paginator whose count is given (capped: `count_is_exact`), for pages cut elsewhere."""

    def __init__(self, count: CappedCount, per_page: int):
        super().__init__([], per_page)
        self._count = count
        self.count_is_exact = getattr(count, "exact", True)

    @property
    def count(self) -> int:
        return int(self._count)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))


def list_relations(dossiers: QuerySet) -> QuerySet:
    """What a row of a dossier list shows: the service and its organisation."""
    return dossiers.select_related("service__organisation").defer("search_vector")


def page_number(number) -> int:
    try:
        return min(max(int(number), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


_NEVER = datetime.min.replace(tzinfo=UTC)


def _deadline_key(state: str, since: datetime | None, pk: int):
    """Sort key: the deadline's day as the pages show it (states without one after every
    deadline), then the longest waiting, then the key."""
    days = stage_deadline_days(state)
    if since is None or days is None:
        return (1, date.max, since or _NEVER, pk)
    return (0, timezone.localdate(since) + timedelta(days=days), since, pk)


def _first_rows(querysets: list[QuerySet]) -> list[tuple]:
    """(pk, state, state_changed_at) of each queryset's rows: one query on PostgreSQL (UNION ALL
    of the sliced branches), one per branch where compound queries may not be sliced."""
    if not querysets:
        return []
    if len(querysets) > 1 and connection.features.supports_slicing_ordering_in_compound:
        return list(querysets[0].union(*querysets[1:], all=True))
    rows = []
    for queryset in querysets:
        rows.extend(queryset)
    return rows


def deadline_page(
    base: QuerySet,
    branches: Sequence[Branch],
    *,
    number,
    per_page: int,
    select: Callable[[QuerySet], QuerySet] = list_relations,
) -> Page:
    """Page `number` of the dossiers of `base` in `branches`, the soonest deadline first (see the
    module's docstring); `select` reads the page's dossiers (relations, annotations)."""
    number = page_number(number)
    horizon = number * per_page + COUNT_HORIZON
    in_branch = [base.filter(state=branch.state).filter(branch.condition) for branch in branches]
    counts = capped_counts(dict(enumerate(in_branch)), horizon=horizon)
    total = CappedCount(sum(counts.values()), exact=all(count.exact for count in counts.values()))
    paginator = ListPaginator(total, per_page)
    if paginator.count_is_exact:
        number = min(number, paginator.num_pages)
    wanted = number * per_page
    firsts = [
        queryset.order_by("state_changed_at", "pk").values_list("pk", "state", "state_changed_at")[
            :wanted
        ]
        for queryset in in_branch
    ]
    rows = sorted(_first_rows(firsts), key=lambda row: _deadline_key(row[1], row[2], row[0]))
    ids = [row[0] for row in rows[(number - 1) * per_page : wanted]]
    found = select(Dossier.objects.filter(pk__in=ids)).in_bulk() if ids else {}
    return Page([found[pk] for pk in ids if pk in found], number, paginator)


def role_queryset(user, role: str, q: str = "") -> QuerySet[Dossier]:
    """The dossiers `role` lets `user` see, matching the search `q` (all for an empty one)."""
    condition = visibility_by_role(user).get(role)
    if condition is None:
        return Dossier.objects.none()
    dossiers = Dossier.objects.filter(condition)
    if q:
        dossiers = dossiers.filter(dossier_match(q))
    return dossiers


def role_list_page(
    *,
    user,
    role_list: RoleList,
    criteria: ListCriteria,
    number,
    per_page: int,
    select: Callable[[QuerySet], QuerySet] = list_relations,
) -> Page:
    """The page of `role_list` that `criteria` asks for: the to-do (by deadline), one state (by
    deadline too: the longest waiting first) or every dossier (the most recently changed
    first)."""
    base = role_queryset(user, role_list.role, criteria.q)
    if criteria.view == ALL:
        return HorizonPaginator(select(base).order_by("-updated_at", "-pk"), per_page).get_page(
            number
        )
    if criteria.view:
        return deadline_page(
            base, [Branch(criteria.view)], number=number, per_page=per_page, select=select
        )
    if role_list.todo is not None:
        return HorizonPaginator(select(role_list.todo(base)), per_page).get_page(number)
    return deadline_page(base, role_list.branches, number=number, per_page=per_page, select=select)

"""Counting and paginating lists at a cost that does not grow with the table.

Django's `Paginator` runs `SELECT COUNT(*)` over the whole filtered list on every page: with
50,000 dossiers in a queue that count costs more than the page itself. Here every count stops
at a horizon — `COUNT_HORIZON` rows (past the page asked for, for a paginator) — and says so:
a count that reached it is not `exact`, and the pages show "plus de N" (never an estimate
presented as a number). Below the horizon every figure is exact.

Each count is `SELECT COUNT(*) FROM (… LIMIT horizon + 1)`: with the index its list is read
through (the lists' indexes: applications/models/dossier.py, reviews/models/assignment.py) it
reads at most horizon + 1 index entries, whatever the size of the table.
"""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

#: Rows a count reads at most (past the page asked for, for a paginator): beyond, "plus de".
COUNT_HORIZON = 1000
#: Page numbers beyond this are read as this one (a SQL LIMIT must stay a bigint).
MAX_PAGE_NUMBER = 1_000_000


class CappedCount(int):
    """A number of rows counted up to a horizon: when `exact` is False there are more rows
    than this number (templates then say "plus de")."""

    exact: bool

    def __new__(cls, value: int, exact: bool = True):
        count = super().__new__(cls, value)
        count.exact = exact
        return count

    def __str__(self):
        return int.__repr__(self)  # an int's own text, not this class's repr

    def __repr__(self):
        return f"CappedCount({int(self)}, exact={self.exact})"


def capped_counts(querysets: dict, horizon: int = COUNT_HORIZON) -> dict:
    """The rows of each queryset (same keys), each counted up to `horizon`: one query for all,
    each count a bounded scan. The querysets must live in the same database."""
    if not querysets:
        return {}
    aliases = {queryset.db for queryset in querysets.values()}
    if len(aliases) != 1:
        raise ValueError("capped_counts: all the querysets must use the same database")
    parts, params = [], []
    for queryset in querysets.values():
        try:
            sql, sql_params = (
                queryset.order_by().values("pk")[: horizon + 1].query.sql_with_params()
            )
        except EmptyResultSet:  # a filter that matches nothing (`pk__in=[]`): no SQL to run
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")
        params.extend(sql_params)
    with connections[aliases.pop()].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {
        key: CappedCount(min(value, horizon), exact=value <= horizon)
        for key, value in zip(querysets, row, strict=True)
    }


class HorizonPaginator(Paginator):
    """Django's paginator, counting at most `horizon` rows past the page asked for through
    `get_page` (page 1 when `page` is used directly), never the whole list. `count_is_exact`
    is False when the count stopped there: there are more pages than `num_pages`, and the
    next-page link stays. A `count` given (say, a tab's counter) is used when it is exact, and
    when it is a lower bound (`exact` False) past the end of the page asked for.

    Deep pages still pay their OFFSET (the rows before them), as with any paginator; page 1
    costs the same at any size."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        horizon: int = COUNT_HORIZON,
        count: CappedCount | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.horizon = horizon
        self._given = count
        self._asked = 1
        self.count_is_exact = True

    def get_page(self, number):
        try:
            self._asked = min(max(int(number), 1), MAX_PAGE_NUMBER)
        except (TypeError, ValueError):
            self._asked = 1
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        given = self._given
        if given is not None:
            if getattr(given, "exact", True):
                return int(given)
            if self._asked * self.per_page < given:
                # More rows than that exist, and the page asked for ends before them: no need
                # to count again (the next page stays reachable).
                self.count_is_exact = False
                return int(given)
        limit = self._asked * self.per_page + self.horizon
        # The order does not change how many rows there are: the planner picks any index.
        counted = self.object_list.order_by().values("pk")[: limit + 1].count()
        if counted > limit:
            self.count_is_exact = False
            return limit
        return counted

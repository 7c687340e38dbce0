"""What PostgreSQL does with a list query: enough rows for the planner to choose as it would in
production (bulk_create, then ANALYZE), the plan of a queryset (EXPLAIN ANALYZE), and the same
plan once an index is dropped — inside the test's transaction, so rolled back with it.

A test that asserts "this index is used" shows the plan without it too: the assertion would fail
without the index, which is what makes it worth having."""

import contextlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier, Service
from portal.organisations.models import Membership, Organisation
from tests.factories import ServiceFactory

S = DossierState

#: Enough rows that reading the table and sorting it costs the planner more than the index.
ROWS = 3000


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN des listes : PostgreSQL seulement")


def analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def plan(queryset) -> str:
    """The plan PostgreSQL runs for `queryset` (a page: slice it first), with actual rows."""
    return queryset.explain(analyze=True)


def sql_plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@contextlib.contextmanager
def without_index(name: str):
    """The index dropped for the block's queries (the test's transaction restores it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield


def many_dossiers(*, organisation, created_by, count: int = ROWS, states=None) -> list[Dossier]:
    """`count` dossiers over ten services of `organisation`, cycling through `states` (all but
    draft by default), each entered its state at a different moment; then ANALYZE."""
    states = states or [state for state in S if state != S.DRAFT]
    services = [ServiceFactory(organisation=organisation) for _ in range(10)]
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            service=services[n % len(services)],
            reference=f"X-{n:07d}",
            state=states[n % len(states)],
            created_by=created_by,
            submitted_at=now - timedelta(minutes=n),
            state_changed_at=now - timedelta(days=n % 40, minutes=n),
        )
        for n in range(count)
    )
    # Every table the lists join, not only the dossiers: the planner's guess of how many
    # dossiers an editor reaches goes through memberships, services and organisations, and stale
    # figures there (another test's rows, since rolled back) make it sort instead of reading the
    # index in order.
    analyze(*(model._meta.db_table for model in (Dossier, Service, Membership, Organisation)))
    return dossiers

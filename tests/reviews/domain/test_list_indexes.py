"""The instructors' queue, its tab counters and the experts' queue read an index in their order
and stop after a page (or at the counting horizon): their cost does not grow with the table
(PostgreSQL's EXPLAIN ANALYZE on 3,000 dossiers, and the same plan with the index dropped).
The instructors' queue and to-do, sharing their dossiers: test_list_indexes_every_state.py."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.domain.pagination import COUNT_HORIZON
from applications.enums import DossierState
from reviews.domain.queues import (
    EXPERT_FINISHED,
    EXPERT_FINISHED_STATES,
    expert_queue,
    instructor_queue_tabs,
)
from reviews.models import Assignment
from tests.explain import (
    ROWS,
    analyze,
    many_dossiers,
    plan,
    require_postgresql,
    sql_plan,
    without_index,
)
from tests.factories import OrganisationFactory, expert, staff_user

S = DossierState
pytestmark = pytest.mark.django_db

PAGE = 25


@pytest.fixture
def instructor():
    require_postgresql()
    return staff_user("instructor")


def _reads_in_order(text: str, index: str) -> bool:
    """The page comes from `index` in its order: no sort of the rows (nor an incremental one)
    in the main plan (a per-row subquery's own plan, after "SubPlan", is not the list's)."""
    main = text.split("SubPlan")[0]
    return f"Index Scan using {index}" in main and "Sort" not in main


def test_instructor_queue_tabs_count_from_the_index_up_to_the_horizon(instructor):
    # All the rows in the queue's first state, most of them late: the worst case for a count.
    many_dossiers(
        organisation=OrganisationFactory(),
        created_by=instructor,
        states=[S.SUBMITTED],
    )
    with CaptureQueriesContext(connection) as captured:
        tabs = instructor_queue_tabs()
    (query,) = [q["sql"] for q in captured]
    text = sql_plan(query)

    submitted = tabs[0]
    assert (submitted.total, submitted.total.exact) == (COUNT_HORIZON, False)
    assert (submitted.late, submitted.late.exact) == (COUNT_HORIZON, False)
    # Each count stops at the horizon: no node reads more rows than that, none the table.
    counted = [int(n) for n in re.findall(r"actual time=\S+ rows=(\d+)", text)]
    assert max(counted) == COUNT_HORIZON + 1 < ROWS, text


def _assign(person, dossiers, *, released_every=7):
    today = timezone.localdate()
    Assignment.objects.bulk_create(
        Assignment(
            dossier=dossier,
            expert=person,
            domain="ethics",
            due_on=today + timedelta(days=(n % 60) - 20),
            conflict_status="none" if n % 2 else "pending",
            released_at=timezone.now() if n % released_every == 0 else None,
        )
        for n, dossier in enumerate(dossiers)
    )
    analyze(Assignment._meta.db_table)


def test_expert_queue_reads_its_partial_index_in_its_order(instructor):
    person = expert("ethics")
    other = expert("ethics")
    dossiers = many_dossiers(
        organisation=OrganisationFactory(),
        created_by=instructor,
        states=[S.SUBMITTED, S.UNDER_EVALUATION, S.COMPLEMENTS_REQUESTED],
    )
    _assign(person, dossiers[::2])
    _assign(other, dossiers[1::2])
    page = expert_queue(person)[:PAGE]

    with_index = plan(page)
    with without_index("assignment_expert_queue_idx"):
        without = plan(page)

    assert _reads_in_order(with_index, "assignment_expert_queue_idx"), with_index
    assert "assignment_expert_queue_idx" not in without
    assert "Sort" in without.split("SubPlan")[0], without
    assert len(list(page)) == PAGE


def test_expert_finished_view_reads_the_recent_index_in_its_order(instructor):
    """« Dossiers passés à l'étape suivante », the most recent assignment first: one page read
    from `assignment_expert_recent_idx` (migration reviews `assignment_changes`)."""
    person = expert("ethics")
    dossiers = many_dossiers(organisation=OrganisationFactory(), created_by=instructor)
    _assign(person, dossiers[::2])
    _assign(expert("ethics"), dossiers[1::2])
    page = expert_queue(person, view=EXPERT_FINISHED)[:PAGE]

    with_index = plan(page)
    with without_index("assignment_expert_recent_idx"):
        without = plan(page)

    assert _reads_in_order(with_index, "assignment_expert_recent_idx"), with_index
    assert "assignment_expert_recent_idx" not in without, without
    rows = list(page)
    assert len(rows) == PAGE
    assert all(row.dossier.state in EXPERT_FINISHED_STATES for row in rows)
    assert [row.assigned_at for row in rows] == sorted((r.assigned_at for r in rows), reverse=True)

"""The to-do lists' engine (applications/domain/dossier_lists.py): pages merged from each state's
first rows are the pages of the whole list sorted by deadline; a fixed number of queries at any
size; each state read from the queue index in its order, stopped after the page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.domain.deadlines import stage_deadline_days
from applications.domain.dossier_lists import (
    ALL,
    TODO,
    Branch,
    ListCriteria,
    deadline_page,
    view_choices,
)
from applications.enums import DossierState
from applications.models import Dossier
from tests.explain import ROWS, many_dossiers, require_postgresql, sql_plan, without_index
from tests.factories import OrganisationFactory, ServiceFactory, staff_user

S = DossierState
pytestmark = pytest.mark.django_db

STATES = (S.SUBMITTED, S.EVALUATED, S.OPINION_FAVORABLE)  # 15 days, 30 days, no deadline
DEADLINES = {"submitted": 15, "under_evaluation": 45, "complements_requested": 30, "evaluated": 30}


@pytest.fixture(autouse=True)
def _deadlines(settings):
    settings.STAGE_DEADLINE_DAYS = DEADLINES


def _bulk(count, *, states=STATES, start=0):
    person = staff_user("instructor")
    services = [ServiceFactory(organisation=OrganisationFactory()) for _ in range(3)]
    now = timezone.now()
    return Dossier.objects.bulk_create(
        Dossier(
            service=services[n % 3],
            reference=f"L-{n:06d}",
            state=states[n % len(states)],
            created_by=person,
            state_changed_at=now - timedelta(days=(n * 7) % 40, hours=n),
        )
        for n in range(start, start + count)
    )


def _expected_order(dossiers):
    """The whole list sorted as the pages promise: the deadline's day (none last), then the
    longest waiting, then the key."""

    def key(dossier):
        days = stage_deadline_days(dossier.state)
        since = dossier.state_changed_at
        if days is None:
            return (1, timezone.localdate(since), since, dossier.pk)
        return (0, timezone.localdate(since) + timedelta(days=days), since, dossier.pk)

    return [d.pk for d in sorted(dossiers, key=key)]


def test_pages_cut_the_whole_list_sorted_by_deadline():
    _bulk(57)
    branches = [Branch(state) for state in STATES]
    expected = _expected_order(Dossier.objects.all())

    pages = [
        deadline_page(Dossier.objects.all(), branches, number=n, per_page=20) for n in (1, 2, 3)
    ]

    assert [d.pk for page in pages for d in page.object_list] == expected
    assert [len(page.object_list) for page in pages] == [20, 20, 17]
    first, _second, last = pages
    assert (first.paginator.count, first.paginator.num_pages) == (57, 3)
    assert first.has_next() and not last.has_next() and last.has_previous()
    # A page past the end reads as the last one; a page that is not a number, as the first.
    beyond = deadline_page(Dossier.objects.all(), branches, number=9, per_page=20)
    assert beyond.number == 3
    assert deadline_page(Dossier.objects.all(), branches, number="x", per_page=20).number == 1


def test_a_branch_condition_and_the_base_filter_the_rows():
    dossiers = _bulk(30)
    kept = [d for d in dossiers if d.state == S.SUBMITTED][:4]
    base = Dossier.objects.exclude(pk=kept[0].pk)
    branches = [Branch(S.SUBMITTED, condition=dossier_q(kept))]

    page = deadline_page(base, branches, number=1, per_page=25)

    assert [d.pk for d in page.object_list] == _expected_order(kept[1:])


def dossier_q(dossiers):
    from django.db.models import Q

    return Q(pk__in=[d.pk for d in dossiers])


def _queries(count) -> int:
    Dossier.objects.all().delete()
    _bulk(count, start=count * 100)
    branches = [Branch(state) for state in STATES]
    with CaptureQueriesContext(connection) as captured:
        page = deadline_page(Dossier.objects.all(), branches, number=1, per_page=25)
        [d.service.organisation.name for d in page.object_list]  # what a row shows
    return len(captured)


def test_a_page_costs_the_same_number_of_queries_at_10_and_40_dossiers():
    assert _queries(10) == _queries(40)


def test_criteria_read_from_the_query_string():
    states = (S.SUBMITTED, S.EVALUATED)
    read = ListCriteria.from_query
    options = {"states": states, "view_param": "etat", "q_param": "q"}
    assert read({}, **options) == ListCriteria(TODO, "")
    assert read({"etat": "evaluated", "q": "  santé   numérique "}, **options) == ListCriteria(
        "evaluated", "santé numérique"
    )
    assert read({"etat": ALL}, **options).view == ALL
    assert read({"etat": "draft"}, **options).view == TODO  # not a state of this list
    assert read({"etat": "<script>"}, **options).is_todo
    assert [value for value, _label in view_choices(states)] == [TODO, ALL, *states]


def test_each_state_is_read_from_the_queue_index_and_stops_after_the_page():
    require_postgresql()
    instructor = staff_user("instructor")
    many_dossiers(organisation=OrganisationFactory(), created_by=instructor)
    branches = [Branch(state) for state in (S.SUBMITTED, S.UNDER_EVALUATION, S.EVALUATED)]

    def merge_sql():
        with CaptureQueriesContext(connection) as captured:
            deadline_page(Dossier.objects.all(), branches, number=1, per_page=25)
        (sql,) = [q["sql"] for q in captured if "UNION ALL" in q["sql"]]
        return sql

    text = sql_plan(merge_sql())
    with without_index("dossier_queue_idx"):
        without = sql_plan(merge_sql())

    scans = re.findall(r"Index (?:Only )?Scan using dossier_queue_idx", text)
    assert len(scans) == len(branches), text
    assert "Sort" not in text.split("Append")[1], text  # no branch sorts its state's rows
    rows = [int(n) for n in re.findall(r"actual time=\S+ rows=(\d+)", text)]
    assert max(rows) <= len(branches) * 25 < ROWS, text
    assert "dossier_queue_idx" not in without, without

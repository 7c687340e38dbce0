"""The instructors' queue and their to-do, over dossiers in every state of the workflow as in
production, read an index in their order and stop after a page (PostgreSQL's EXPLAIN ANALYZE on
3,000 dossiers, and the same plan with the index dropped). The other queues: test_list_indexes.py.

The dossiers are shared by the module's tests, which write nothing (an index dropped comes back
with the test's savepoint). Not the tests that add rows: the row counts an ANALYZE writes in
pg_class outlive a rolled-back savepoint and would change the next test's plans."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.enums import DossierState
from applications.models import Dossier
from reviews.domain.queues import (
    instructor_queue,
)
from tests.explain import many_dossiers, plan, require_postgresql, sql_plan, without_index
from tests.factories import OrganisationFactory, staff_user
from tests.reviews.domain.test_list_indexes import PAGE, _reads_in_order

S = DossierState
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def every_state(django_db_setup, django_db_blocker):
    """(instructor, dossiers): `ROWS` dossiers in every state of the workflow but draft, as in
    production, written once for the module (then ANALYZE) and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        require_postgresql()
        person = staff_user("instructor")
        dossiers = many_dossiers(organisation=OrganisationFactory(), created_by=person)
        yield person, dossiers
        transaction.set_rollback(True)


def test_instructor_queue_reads_the_queue_index_in_its_order(every_state):
    # Every state of the workflow: the queue's state is one among many, as in production.
    page = instructor_queue(S.SUBMITTED)[:PAGE]

    with_index = plan(page)
    with without_index("dossier_queue_idx"):
        without = plan(page)

    assert _reads_in_order(with_index, "dossier_queue_idx"), with_index
    assert "dossier_queue_idx" not in without and "Sort" in without.split("SubPlan")[0], without


def test_instructor_to_do_reads_each_state_from_the_queue_index(every_state):
    """The home's « Dossiers à instruire »: each state of the to-do read in the order of
    `dossier_queue_idx` and stopped after a page, whatever the conditions (one UNION ALL)."""
    from applications.domain.dossier_lists import deadline_page
    from reviews.domain.todo import instructor_list

    instructor, _dossiers = every_state
    branches = instructor_list(instructor).branches

    def merge_sql():
        with CaptureQueriesContext(connection) as captured:
            deadline_page(Dossier.objects.all(), branches, number=1, per_page=PAGE)
        (sql,) = [q["sql"] for q in captured if "UNION ALL" in q["sql"]]
        return sql

    text = sql_plan(merge_sql())
    main = text.split("SubPlan")[0]
    scans = re.findall(r"Index (?:Only )?Scan using dossier_queue_idx", text)
    assert len(scans) == len(branches), text
    assert "Seq Scan on applications_dossier" not in text, text
    assert "Sort" not in main, text

"""The dossier lists read an index in their order and stop after a page, and count up to a
horizon: their cost does not grow with the table (PostgreSQL's EXPLAIN ANALYZE on 3,000 rows,
and the same plan with the index dropped, which reads and sorts the whole table)."""

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.domain.pagination import COUNT_HORIZON, HorizonPaginator
from applications.domain.queries import dossiers_for_role
from portal.accounts.roles import Role
from tests.explain import ROWS, many_dossiers, plan, require_postgresql, sql_plan, without_index
from tests.factories import OrganisationFactory, editor, staff_user

pytestmark = pytest.mark.django_db

PAGE = 25


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """One person per role and `ROWS` dossiers of the editor's organisation, written once for the
    module (then ANALYZE) and rolled back at its end; each test runs in a savepoint of its own,
    so that the index one drops comes back for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        require_postgresql()
        organisation = OrganisationFactory()
        people = {
            Role.EDITOR: editor(organisation),
            Role.INSTRUCTOR: staff_user(Role.INSTRUCTOR),
            Role.ADMIN: staff_user(Role.ADMIN),
        }
        many_dossiers(organisation=organisation, created_by=people[Role.EDITOR])
        yield people
        transaction.set_rollback(True)


def _reads_in_order(text: str, index: str) -> bool:
    """The page comes from `index` in its order: no sort of the rows above it."""
    return f"Index Scan using {index}" in text and "Sort" not in text


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.ADMIN, Role.EDITOR])
def test_dossier_list_reads_the_recent_index_and_stops_after_a_page(people, role):
    person = people[role]
    page = dossiers_for_role(person, role)[:PAGE]

    with_index = plan(page)
    with without_index("dossier_recent_idx"):
        without = plan(page)

    assert _reads_in_order(with_index, "dossier_recent_idx"), with_index
    assert "Sort" in without and not _reads_in_order(without, "dossier_recent_idx"), without


def _count_sql(paginator_class, queryset) -> str:
    with CaptureQueriesContext(connection) as captured:
        paginator_class(queryset, PAGE).get_page(1).paginator.count  # noqa: B018
    (query,) = [q["sql"] for q in captured if "COUNT(" in q["sql"]]
    return query


def _rows_counted(text: str) -> int:
    """The rows under the plan's first node, the aggregate that counts them."""
    first_child = text.splitlines()[1]
    return int(re.search(r"actual time=\S+ rows=(\d+)", first_child).group(1))


def test_dossier_list_count_reads_at_most_the_horizon_past_the_page(people):
    instructor = people[Role.INSTRUCTOR]
    dossiers = dossiers_for_role(instructor, Role.INSTRUCTOR)

    capped = sql_plan(_count_sql(HorizonPaginator, dossiers))
    whole = sql_plan(_count_sql(Paginator, dossiers))

    assert _rows_counted(capped) == PAGE + COUNT_HORIZON + 1, capped
    assert _rows_counted(whole) == ROWS, whole  # Django's own count reads every row

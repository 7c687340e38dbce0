"""The staff lists' search (applications/domain/dossier_search.py) reads its GIN indexes, the
names' and the references' trigrams, whatever the number of dossiers: the plans on production
sizes, with and without each index.

The 30,000 dossiers are written once for the module and rolled back at its end; each test runs
in a savepoint of its own, so that the index one drops comes back for the next."""

import contextlib

import pytest
from django.db import connection, transaction
from django.utils import timezone

from applications.domain.dossier_search import dossier_match
from applications.models import Dossier, Service
from tests.explain import analyze, plan, require_postgresql, without_index
from tests.factories import OrganisationFactory, ServiceFactory, staff_user

pytestmark = pytest.mark.django_db

#: A prefix query's selectivity is estimated from the lexemes' statistics: on a small table, or
#: one whose names share a handful of words, reading it whole costs the planner less than a
#: bitmap of the index. Production sizes, and names as varied as real ones.
SEARCH_ROWS = 30_000
SERVICES = 3_000
LETTERS = "bcdfghjklmnpqrstvwxz"


def _word(n: int) -> str:
    """A made-up word per number ("bbbb", "bbbc"…): as many distinct names as services."""
    letters = ""
    for _ in range(4):
        n, rest = divmod(n, len(LETTERS))
        letters += LETTERS[rest] + "a"
    return letters


@contextlib.contextmanager
def _index_costs_settled():
    """A GIN index keeps, physically, the entries of every test's rolled-back rows (its pending
    list and pages are not transactional): on the test database the planner prices it far above
    what it costs in production, where VACUUM tidies it. Reading the table whole is then taken
    off the table (for this transaction only), so that the plan shows whether the index serves
    the query at all — and without the index, it cannot."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")


@pytest.fixture(scope="module")
def varied_dossiers(django_db_setup, django_db_blocker):
    """`SEARCH_ROWS` dossiers over `SERVICES` services of 20 organisations, every name its own,
    and one "Allergoscope" of "Pollen SAS" (reference A-1); then ANALYZE. For the module, rolled
    back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        require_postgresql()
        instructor = staff_user("instructor")
        organisations = [OrganisationFactory(name=f"Éditeur {_word(n)}") for n in range(20)]
        services = Service.objects.bulk_create(
            Service(organisation=organisations[n % 20], name=f"Service {_word(n)}")
            for n in range(SERVICES)
        )
        now = timezone.now()
        Dossier.objects.bulk_create(
            Dossier(
                service=services[n % SERVICES],
                reference=f"X-{n:07d}",
                state="submitted",
                created_by=instructor,
                state_changed_at=now,
            )
            for n in range(SEARCH_ROWS)
        )
        Dossier.objects.create(
            service=ServiceFactory(
                organisation=OrganisationFactory(name="Pollen SAS"), name="Allergoscope"
            ),
            reference="A-1",
            state="submitted",
            created_by=instructor,
            state_changed_at=now,
        )
        analyze(Dossier._meta.db_table)
        yield
        transaction.set_rollback(True)


def test_search_by_name_reads_the_gin_index(varied_dossiers):
    assert Dossier.objects.count() == SEARCH_ROWS + 1
    page = Dossier.objects.filter(dossier_match("allergo"))[:25]

    with _index_costs_settled():
        with_index = plan(page)
        with without_index("dossier_search_idx"):
            without = plan(page)

    assert "Bitmap Index Scan on dossier_search_idx" in with_index, with_index
    assert "Rows Removed by Index Recheck" not in with_index, with_index
    assert "dossier_search_idx" not in without, without
    assert f"Rows Removed by Filter: {SEARCH_ROWS}" in without, without  # every row read
    assert [d.service.name for d in page] == ["Allergoscope"]


def test_search_by_partial_reference_reads_the_trigram_index(varied_dossiers):
    assert Dossier.objects.count() == SEARCH_ROWS + 1
    page = Dossier.objects.filter(dossier_match("0012345"))[:25]

    with _index_costs_settled():
        with_index = plan(page)
        with without_index("dossier_reference_trgm_idx"):
            without = plan(page)

    assert "Bitmap Index Scan on dossier_reference_trgm_idx" in with_index, with_index
    assert "dossier_reference_trgm_idx" not in without, without
    assert f"Rows Removed by Filter: {SEARCH_ROWS}" in without, without  # every row read
    assert [d.reference for d in page] == ["X-0012345"]

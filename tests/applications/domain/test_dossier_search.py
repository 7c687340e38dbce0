"""The one search of the staff lists (applications/domain/dossier_search.py) on PostgreSQL: names
without accents or case, word prefixes, French stemming, the organisation's name, whole or partial
references; the vector kept by triggers whoever renames; and the GIN indexes it reads."""

import contextlib

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from applications.domain.dossier_search import (
    dossier_match,
    fold,
    prefix_tsquery,
    reference_fragment,
    search_text,
)
from applications.models import Dossier, Service
from reviews.models import Assignment
from tests.explain import analyze, plan, require_postgresql, without_index
from tests.factories import OrganisationFactory, ServiceFactory, expert, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor():
    require_postgresql()
    return staff_user("instructor")


def _dossier(instructor, *, service, organisation, reference, state="submitted"):
    org = OrganisationFactory(name=organisation)
    return Dossier.objects.create(
        service=ServiceFactory(organisation=org, name=service),
        reference=reference,
        state=state,
        created_by=instructor,
        state_changed_at=timezone.now(),
    )


@pytest.fixture
def dossiers(instructor):
    return {
        "diabete": _dossier(
            instructor,
            service="DiabèteFacile",
            organisation="Santé Connectée SAS",
            reference="D-2026-K7M3QZ",
        ),
        "sommeil": _dossier(
            instructor,
            service="Sommeil Réparateur",
            organisation="Bien-Être Numérique SARL",
            reference="D-2026-AB12CD",
        ),
        "tension": _dossier(
            instructor,
            service="TensioNote",
            organisation="Cardiologie Numérique",
            reference="D-2025-ZZ99XY",
        ),
    }


def _found(text, **kwargs) -> set[str]:
    matched = Dossier.objects.filter(dossier_match(text, **kwargs))
    return set(matched.values_list("service__name", flat=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DiabèteFacile", {"DiabèteFacile"}),
        ("diabetefacile", {"DiabèteFacile"}),  # no accent, no capital
        ("diab", {"DiabèteFacile"}),  # the start of a word
        ("DIABÈTE", {"DiabèteFacile"}),
        ("sommeil réparateurs", {"Sommeil Réparateur"}),  # stemming: the plural finds it
        ("reparat", {"Sommeil Réparateur"}),
        ("sante connectee", {"DiabèteFacile"}),  # the organisation's name, without accents
        ("Santé Connectée SAS", {"DiabèteFacile"}),
        ("numerique", {"Sommeil Réparateur", "TensioNote"}),
        ("bien-etre", {"Sommeil Réparateur"}),
        ("numérique cardiologie", {"TensioNote"}),  # every word must match, in any order
        ("sommeil cardiologie", set()),
        ("D-2026-K7M3QZ", {"DiabèteFacile"}),  # the whole reference
        ("d-2026-k7m3qz", {"DiabèteFacile"}),
        ("K7M3", {"DiabèteFacile"}),  # part of it
        ("2026-ab1", {"Sommeil Réparateur"}),
        ("D-2026", {"DiabèteFacile", "Sommeil Réparateur"}),
        ("2026", {"DiabèteFacile", "Sommeil Réparateur"}),
        ("  K7M3QZ  ", {"DiabèteFacile"}),
        ("glycémie", set()),
        ("ab12cd", {"Sommeil Réparateur"}),
    ],
)
def test_search_matches_names_and_references(dossiers, text, expected):
    assert _found(text) == expected


def test_an_empty_search_matches_everything(dossiers):
    assert dossier_match("") == dossier_match("   ") == dossier_match(None)
    assert Dossier.objects.filter(dossier_match("")).count() == 3


def test_a_query_of_punctuation_or_stop_words_matches_nothing_and_does_not_fail(dossiers):
    assert _found("«»!?") == set()
    assert _found("le la les") == set()
    assert _found("le diabète") == {"DiabèteFacile"}  # the article is left out
    assert _found("Bien-Être Numérique") == {"Sommeil Réparateur"}


def test_a_query_with_a_digit_is_a_reference_and_one_without_is_names(dossiers):
    assert reference_fragment("K7") == ""
    assert _found("K7") == set()  # too short to be part of a reference
    assert _found("K7M") == {"DiabèteFacile"}
    assert _found("KMQZ") == set()  # no digit: the names only
    assert _found("AB12CD sommeil") == set()  # two words: the names only


def test_renaming_a_service_or_an_organisation_updates_the_search(dossiers):
    dossier = dossiers["tension"]
    service = dossier.service
    service.name = "PressionArtérielle"
    service.save()
    assert _found("pression") == {"PressionArtérielle"}
    assert _found("tensionote") == set()

    organisation = service.organisation
    organisation.name = "Vigie Cœur"
    organisation.save(update_fields=["name"])
    assert _found("vigie") == {"PressionArtérielle"}
    assert _found("cardiologie") == set()


def test_a_full_save_of_the_dossier_never_overwrites_the_vector_with_a_stale_one(dossiers):
    dossier = Dossier.objects.get(pk=dossiers["diabete"].pk)  # loads the vector
    Dossier.objects.filter(pk=dossier.pk).update(search_vector=None)  # recomputed by the trigger
    dossier.search_vector = "'obsolete':1"
    dossier.save()
    assert _found("obsolete") == set()
    assert _found("diabete") == {"DiabèteFacile"}


def test_the_search_follows_a_relation_and_may_spare_the_reference(dossiers):
    person = expert("ethics")
    for dossier in dossiers.values():
        Assignment.objects.create(dossier=dossier, expert=person, domain="ethics")
    assignments = Assignment.objects.filter(expert=person)

    def found(text, **kwargs):
        matched = assignments.filter(dossier_match(text, prefix="dossier__", **kwargs))
        return set(matched.values_list("dossier__service__name", flat=True))

    assert found("sante") == {"DiabèteFacile"}
    assert found("K7M3") == {"DiabèteFacile"}
    assert found("K7M3", reference_if=Q(conflict_status="none")) == set()
    assert found("diab", reference_if=Q(conflict_status="none")) == {"DiabèteFacile"}


def test_a_name_with_a_number_is_found_by_its_words(instructor):
    _dossier(instructor, service="Service 12", organisation="Éditeur 7", reference="D-2026-QQ22RR")
    assert _found("service 12") == {"Service 12"}
    assert _found("editeur 7") == {"Service 12"}


def test_query_helpers():
    assert search_text("  a   b  ") == "a b"
    assert len(search_text("x" * 500)) == 100
    assert fold("Santé Île-de-France") == "sante ile-de-france"
    assert prefix_tsquery("santé (connectée) | & !") == "santé:* & connectée:*"
    assert prefix_tsquery("l'hôpital") == "hôpital:*"  # the article is left out


# ---------------------------------------------------------------------------------------------
# Indexes: the search reads the GIN indexes, whatever the number of dossiers
# ---------------------------------------------------------------------------------------------


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


def _varied_dossiers(instructor):
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
    analyze(Dossier._meta.db_table)


def test_search_by_name_reads_the_gin_index(instructor):
    _varied_dossiers(instructor)
    _dossier(instructor, service="Allergoscope", organisation="Pollen SAS", reference="A-1")
    analyze(Dossier._meta.db_table)
    page = Dossier.objects.filter(dossier_match("allergo"))[:25]

    with _index_costs_settled():
        with_index = plan(page)
        with without_index("dossier_search_idx"):
            without = plan(page)

    assert "Bitmap Index Scan on dossier_search_idx" in with_index, with_index
    assert "Rows Removed by Index Recheck" not in with_index, with_index
    assert "dossier_search_idx" not in without, without
    assert "Rows Removed by Filter: 30000" in without, without  # every row read
    assert [d.service.name for d in page] == ["Allergoscope"]


def test_search_by_partial_reference_reads_the_trigram_index(instructor):
    _varied_dossiers(instructor)
    page = Dossier.objects.filter(dossier_match("0012345"))[:25]

    with _index_costs_settled():
        with_index = plan(page)
        with without_index("dossier_reference_trgm_idx"):
            without = plan(page)

    assert "Bitmap Index Scan on dossier_reference_trgm_idx" in with_index, with_index
    assert "dossier_reference_trgm_idx" not in without, without
    assert "Rows Removed by Filter: 29999" in without, without  # every row read
    assert [d.reference for d in page] == ["X-0012345"]


def test_the_migration_created_the_configuration_and_the_triggers(instructor):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent'")
        assert cursor.fetchone()
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'applications_%%search%%' "
            "ORDER BY tgname"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "applications_dossier_search_fill",
            "applications_organisation_search_refresh",
            "applications_service_search_refresh",
        ]

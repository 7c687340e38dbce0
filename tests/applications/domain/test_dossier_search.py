"""The one search of the staff lists (applications/domain/dossier_search.py) on PostgreSQL: names
without accents or case, word prefixes, French stemming, the organisation's name, whole or partial
references; the vector kept by triggers whoever renames. The GIN indexes it reads, on production
sizes: test_dossier_search_indexes.py."""

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
from applications.models import Dossier
from reviews.models import Assignment
from tests.explain import require_postgresql
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

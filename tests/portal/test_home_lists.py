"""The home's sections as to-do lists: the state filter, the search (with its empty state and a
way out), links that keep each section's choices, and a query count that does not grow with the
dossiers (portal/views.py, templates/portal/_list.html)."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier
from portal.accounts.roles import Role
from reviews.models import Assignment
from tests.factories import OrganisationFactory, ServiceFactory, expert, staff_user
from tests.reviews.helpers import text

S = DossierState
pytestmark = pytest.mark.django_db
HOME = reverse("home")


def _dossier(person, *, service, organisation, reference, state=S.SUBMITTED, days=1):
    return Dossier.objects.create(
        service=ServiceFactory(organisation=OrganisationFactory(name=organisation), name=service),
        reference=reference,
        state=state,
        created_by=person,
        state_changed_at=timezone.now() - timedelta(days=days),
    )


@pytest.fixture
def instructor():
    return staff_user(Role.INSTRUCTOR)


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
            service="SommeilPlus",
            organisation="Bien-Être Numérique SARL",
            reference="D-2026-AB12CD",
            state=S.INCOMPLETE,
        ),
    }


def _page(client, **params):
    response = client.get(HOME, params)
    assert response.status_code == 200
    return text(response)


def test_the_filter_shows_the_rest_of_what_the_role_sees(client, instructor, dossiers):
    client.force_login(instructor)

    todo = _page(client)
    incomplete = _page(client, **{"etat-instructor": "incomplete"})
    everything = _page(client, **{"etat-instructor": "tous"})
    unknown = _page(client, **{"etat-instructor": "nimporte"})

    assert "DiabèteFacile" in todo and "SommeilPlus" not in todo  # the editor's turn
    assert "1 dossier à traiter" in todo
    assert "SommeilPlus" in incomplete and "DiabèteFacile" not in incomplete
    assert "1 dossier — Incomplet." in incomplete
    assert "DiabèteFacile" in everything and "SommeilPlus" in everything
    assert unknown == todo


def test_the_filter_is_a_labelled_select_in_a_get_form(client, instructor, dossiers):
    client.force_login(instructor)
    html = unescape(client.get(HOME).content.decode())

    assert '<form method="get" action="/"' in html
    assert '<label class="fr-label" for="etat-instructor">Dossiers affichés</label>' in html
    assert '<option value="" selected>À traiter</option>' in html
    assert '<option value="incomplete">Incomplet</option>' in html
    assert '<option value="draft">' not in html  # instructors see no drafts
    assert '<label class="fr-label" for="q-instructor">Rechercher un dossier</label>' in html
    assert 'role="status" aria-live="polite"' in html


@pytest.mark.parametrize(
    "query",
    ["diabète", "DIABETE", "diab", "santé connectée", "sante", "K7M3", "d-2026-k7m3qz"],
)
def test_search_finds_by_name_organisation_or_reference(client, instructor, dossiers, query):
    client.force_login(instructor)
    page = _page(client, **{"q-instructor": query, "etat-instructor": "tous"})
    assert "DiabèteFacile" in page and "SommeilPlus" not in page
    assert f"1 dossier correspond à « {query} »" in page


def test_search_within_the_to_do_list_only_by_default(client, instructor, dossiers):
    client.force_login(instructor)
    page = _page(client, **{"q-instructor": "numérique"})  # SommeilPlus's editor, not a to-do
    assert "Aucun dossier ne correspond à « numérique »." in page
    assert "SommeilPlus" in _page(
        client, **{"q-instructor": "numérique", "etat-instructor": "tous"}
    )


def test_an_empty_search_says_so_and_offers_to_clear_it(client, instructor, dossiers):
    client.force_login(instructor)
    response = client.get(HOME, {"q-instructor": "glycémie", "etat-instructor": "tous"})
    html = unescape(response.content.decode())

    assert "Aucun dossier ne correspond à « glycémie »." in html
    assert '<a class="fr-btn fr-btn--secondary fr-btn--sm" href="?etat-instructor=tous&">' in html
    assert "Effacer la recherche" in html
    assert "<table" not in html


def test_an_empty_to_do_list_points_to_the_rest(client):
    person = staff_user(Role.MINISTRY)
    client.force_login(person)
    html = unescape(client.get(HOME).content.decode())
    assert "Aucun dossier n'attend votre action." in html
    assert 'href="?etat-ministry=tous&"' in html


def test_each_section_keeps_the_other_sections_choices(client, dossiers):
    person = staff_user(Role.INSTRUCTOR)
    person.groups.add(Group.objects.get_or_create(name=Role.EXPERT)[0])
    person.__dict__.pop("roles", None)
    client.force_login(person)
    params = {"q-expert": "sante", "etat-instructor": "tous", "page-expert": "1"}
    html = unescape(client.get(HOME, params).content.decode())

    # The instructor's form carries the expert's search, and the other way round.
    assert '<input type="hidden" name="q-expert" value="sante">' in html
    assert '<input type="hidden" name="etat-instructor" value="tous">' in html
    assert html.count("<h1>") == 1 and "<h2>Mes évaluations</h2>" in html


def test_a_search_that_cannot_be_a_reference_nor_a_name_is_harmless(client, instructor, dossiers):
    client.force_login(instructor)
    page = _page(client, **{"q-instructor": "'; DROP TABLE x; --", "etat-instructor": "tous"})
    assert "Aucun dossier ne correspond" in page


def _home_queries(client, person, count, **params) -> int:
    organisation = OrganisationFactory(name="Santé Publique Numérique")
    services = [ServiceFactory(organisation=organisation, name=f"Service {n}") for n in range(3)]
    now = timezone.now()
    Dossier.objects.bulk_create(
        Dossier(
            service=services[n % 3],
            reference=f"Q-{count}-{n:04d}",
            state=(S.SUBMITTED, S.EVALUATED, S.UNDER_EVALUATION)[n % 3],
            created_by=person,
            state_changed_at=now - timedelta(days=n % 20, minutes=n),
        )
        for n in range(count)
    )
    client.force_login(person)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME, params).status_code == 200
    Dossier.objects.all().delete()
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"q-instructor": "sante"}, {"etat-instructor": "tous"}, {"etat-instructor": "evaluated"}],
)
def test_home_queries_do_not_grow_with_the_dossiers(client, params):
    person = staff_user(Role.INSTRUCTOR)
    assert _home_queries(client, person, 10, **params) == _home_queries(
        client, person, 40, **params
    )


def test_expert_home_section_is_their_assignments_to_do(client):
    dossier = _dossier(
        staff_user(Role.INSTRUCTOR),
        service="TensioNote",
        organisation="Cardio SAS",
        reference="D-2026-TN0001",
        state=S.UNDER_EVALUATION,
    )
    person = expert("ethics")
    Assignment.objects.create(dossier=dossier, expert=person, domain="ethics")
    client.force_login(person)

    page = _page(client)
    by_reference = _page(client, **{"q-expert": "TN0001"})

    assert "TensioNote" in page and "Déclarer mes intérêts" in page
    assert "1 affectation à traiter" in page
    # Before the declaration, the reference is not theirs to search.
    assert "Aucune affectation ne correspond à « TN0001 »." in by_reference

"""The public catalogue: anonymous pages, filters and search in the URL, only listed services,
structured data allowed by the CSP, constant queries."""

import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalogue.domain import publication
from decisions.domain.documents import decision_render
from portal.signing import verify_pdf
from tests.catalogue.helpers import extra_listing, published
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _catalogue_built(django_db_setup, django_db_blocker):
    """One published dossier and three more listings for the whole module (a published dossier
    costs a whole workflow), rolled back at its end; each test runs in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        dossier, cast, base = published()
        extra = {
            "sommeil": extra_listing(
                base,
                name="Sommeil Serein",
                short_description="Mieux dormir grâce à un journal du sommeil.",
                themes=["sleep"],
                regions=["BRE"],
                platforms=[{"platform": "ios", "url": "https://apps.apple.com/fr/app/x/id1"}],
                price_model="paid",
            ),
            "sante": extra_listing(
                base,
                name="Santé Connectée Île",
                long_description="Suivi de la santé des personnes diabétiques.",
                themes=["chronic"],
                regions=["IDF"],
                data_exchange=["measures"],
            ),
            "hidden": extra_listing(base, name="Service Caché", listed=False),
        }
        yield dossier, cast, base, extra
        transaction.set_rollback(True)


@pytest.fixture
def catalogue(_catalogue_built, db):
    dossier, cast, base, extra = _catalogue_built
    dossier.refresh_from_db()
    return dossier, cast, base, extra


def _names(response) -> list[str]:
    return [listing.card.name for listing in response.context["listings"]]


def test_the_list_shows_listed_services_to_anyone(client, catalogue):
    dossier, cast, base, extra = catalogue
    response = client.get("/catalogue/")
    assert response.status_code == 200
    names = _names(response)
    assert set(names) == {base.card.name, "Sommeil Serein", "Santé Connectée Île"}
    assert "Service Caché" not in response.content.decode()
    body = response.content.decode()
    assert "3 services référencés" in body
    assert "Par Éditeur de test" in body
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=BRE", {"Sommeil Serein", "BASE"}),  # BASE is offered in all of France
        ("region=IDF&theme=chronic", {"Santé Connectée Île"}),
        ("theme=sleep&theme=chronic", {"Sommeil Serein", "Santé Connectée Île"}),
        ("plateforme=ios", {"Sommeil Serein"}),
        ("prix=paid", {"Sommeil Serein"}),
        ("echange=oui", {"Santé Connectée Île"}),
        ("echange=non", {"Sommeil Serein", "BASE"}),
        ("echange=measures", {"Santé Connectée Île"}),
        ("region=nowhere", {"Sommeil Serein", "Santé Connectée Île", "BASE"}),  # ignored
    ],
)
def test_filters(client, catalogue, query, expected):
    dossier, cast, base, extra = catalogue
    expected = {base.card.name if name == "BASE" else name for name in expected}
    assert set(_names(client.get(f"/catalogue/?{query}"))) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sante", {"Santé Connectée Île", "BASE"}),  # accents do not matter ("Service santé N")
        ("ILE", {"Santé Connectée Île"}),
        ("dormir", {"Sommeil Serein"}),
        ("sommeil journal", {"Sommeil Serein"}),
        ("introuvable", set()),
    ],
)
def test_search_ignores_accents_and_case(client, catalogue, q, expected):
    dossier, cast, base, extra = catalogue
    expected = {base.card.name if name == "BASE" else name for name in expected}
    assert set(_names(client.get("/catalogue/", {"q": q}))) == expected


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_search_is_french_and_ranked_on_postgresql(client, catalogue):
    # French stemming: "diabétique" finds "diabétiques"; the name weighs more than the text.
    assert _names(client.get("/catalogue/", {"q": "diabétique"})) == ["Santé Connectée Île"]
    dossier, cast, base, extra = catalogue
    extra_listing(base, name="Carnet", long_description="Un carnet pour le sommeil.")
    assert _names(client.get("/catalogue/", {"q": "sommeil"})) == ["Sommeil Serein", "Carnet"]


def test_empty_state_helps(client, catalogue):
    body = client.get("/catalogue/?q=introuvable&theme=sleep").content.decode()
    assert "Aucun service ne correspond à votre recherche" in body
    assert "Voir tout le catalogue" in body
    assert "Aucun résultat" in body
    # Each active criterion can be removed on its own.
    assert 'href="?theme=sleep"' in body and 'href="?q=introuvable"' in body


def test_pagination_keeps_the_filters(client, catalogue, settings):
    settings.CATALOGUE_PAGE_SIZE = 1
    response = client.get("/catalogue/?theme=sleep&theme=chronic&tri=nom")
    assert _names(response) == ["Santé Connectée Île"]
    body = response.content.decode()
    assert 'href="?theme=chronic&amp;theme=sleep&amp;page=2"' in body
    assert _names(client.get("/catalogue/?theme=chronic&theme=sleep&page=2")) == ["Sommeil Serein"]
    assert _names(client.get("/catalogue/?theme=chronic&theme=sleep&page=99")) == ["Sommeil Serein"]


def test_sort_by_name_and_by_date(client, catalogue):
    names = _names(client.get("/catalogue/?tri=nom"))
    assert names == sorted(names, key=lambda n: n.casefold().replace("é", "e"))


def test_detail_page_states_the_referencing(client, catalogue):
    dossier, cast, base, extra = catalogue
    response = client.get(f"/catalogue/services/{base.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    decision = base.decision
    assert f"décision n° {decision.number}" in body
    assert f"version {base.referential_version} du référentiel" in body
    assert f"Référencé jusqu’au {base.renewal_due.day} " in body
    assert "Partiellement conforme" in body
    assert f'<link rel="canonical" href="http://testserver/catalogue/services/{base.slug}/">' in (
        body.replace("http://127.0.0.1:8000", "http://testserver")
    )


def test_structured_data_is_allowed_by_its_hash_only(client, catalogue):
    dossier, cast, base, extra = catalogue
    response = client.get(f"/catalogue/services/{extra['sommeil'].slug}/")
    body = response.content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(script.group(1))
    assert data["@type"] == "MobileApplication" and data["name"] == "Sommeil Serein"
    assert data["operatingSystem"] == "iOS"
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy


def test_unlisted_services_are_404_everywhere(client, catalogue):
    dossier, cast, base, extra = catalogue
    hidden = extra["hidden"]
    assert client.get(f"/catalogue/services/{hidden.slug}/").status_code == 404
    assert client.get(f"/catalogue/services/{hidden.slug}/decision.pdf").status_code == 404
    publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, comment="Contrôle en cours.", **measure_fields("suspend")
    )
    assert client.get(f"/catalogue/services/{base.slug}/").status_code == 404
    assert base.card.name not in _names(client.get("/catalogue/"))


def test_the_public_decision_is_the_signed_pdf(client, catalogue, private_storage):
    dossier, cast, base, extra = catalogue
    decision = decision_render(decision_id=base.decision_id)
    assert decision.pdf
    response = client.get(f"/catalogue/services/{base.slug}/decision.pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF") and [r.ok for r in verify_pdf(content)] == [True]


def test_list_queries_do_not_grow_with_the_number_of_services(client, catalogue):
    dossier, cast, base, extra = catalogue
    with CaptureQueriesContext(connection) as few:
        client.get("/catalogue/?q=service")
    for n in range(50):
        extra_listing(base, name=f"Service numéro {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/catalogue/?q=service")
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as detail:
        client.get(f"/catalogue/services/{base.slug}/")
    assert len(detail) <= 3


def test_only_get_and_head(client, catalogue):
    assert client.post("/catalogue/").status_code == 405


def test_sitemap_and_robots_name_the_public_pages_on_the_portal_address(
    client, catalogue, settings
):
    settings.PORTAL_BASE_URL = "https://referencement.sante.gouv.fr"
    dossier, cast, base, extra = catalogue
    body = client.get("/sitemap.xml").content.decode()
    assert f"<loc>https://referencement.sante.gouv.fr/catalogue/services/{base.slug}/</loc>" in body
    assert "<loc>https://referencement.sante.gouv.fr/catalogue/</loc>" in body
    assert extra["hidden"].slug not in body
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://referencement.sante.gouv.fr/sitemap.xml" in robots
    assert "Disallow: /\n" in robots

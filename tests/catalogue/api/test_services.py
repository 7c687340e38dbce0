"""The open API /api/v1/: the contract of its answers (the schema's fields, every address
absolute), the public catalogue's filters and search, pagination, listed services only,
conditional GET (through Django and through the public cache), CORS, the rate limit, its
OpenAPI description and documentation page, and queries constant in the number of services.

The services are built once for the module (`catalogue`, rolled back at its end): one published
by the real services, four more listed and one unlisted written by the publication code."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from catalogue.api.docs import openapi_schema
from catalogue.domain import publication
from catalogue.domain.search import FILTERS, Criteria, listings_search
from catalogue.models import Listing
from decisions.models import Decision
from tests.catalogue.helpers import extra_listing, published
from tests.factories.dossiers import measure_fields

from .public_cache_client import public_cache_app, wsgi_get

pytestmark = pytest.mark.django_db
BASE = settings.PORTAL_BASE_URL.rstrip("/")
LIST = "/api/v1/services/"


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        dossier, cast, base = published()
        Decision.objects.attach_pdf(
            pk=base.decision_id,
            name="decisions/2026/decision.pdf",
            sha256="0" * 64,
            generated_at=timezone.now(),
        )
        extra = {
            "carnet": extra_listing(
                base,
                name="Carnet Santé Plus",
                short_description="Suivre ses mesures au quotidien.",
                themes=["chronic"],
                regions=["BRE"],
                platforms=[
                    {"platform": "ios", "url": "https://apps.apple.com/fr/app/carnet/id1"},
                    {"platform": "android", "url": "https://play.google.com/store/apps/x"},
                ],
                price_model="freemium",
                data_exchange=["measures"],
                accessibility="full",
                accessibility_url="",
            ),
            "nuit": extra_listing(
                base, name="Nuit Calme", themes=["sleep"], regions=["IDF"], price_model="paid"
            ),
            "pas": extra_listing(base, name="Pas à Pas", themes=["activity"], regions=["FR"]),
            "equilibre": extra_listing(
                base, name="Mon Équilibre", themes=["nutrition"], regions=["ARA"]
            ),
            "hidden": extra_listing(base, name="Service Caché", listed=False),
        }
        yield dossier, cast, base, extra
        transaction.set_rollback(True)


def _names(data) -> list[str]:
    return [item["nom"] for item in data["results"]]


def _service_fields() -> set[str]:
    return set(openapi_schema()["components"]["schemas"]["Service"]["properties"])


def test_the_list_gives_every_listed_service_with_the_schema_fields(client, catalogue):
    dossier, cast, base, extra = catalogue
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 5
    assert (data["next"], data["previous"]) == (None, None)
    # Sorted by name as the catalogue page is; the unlisted one never appears.
    expected = [x.slug for x in listings_search(Criteria.from_query(QueryDict()))]
    assert [item["identifiant"] for item in data["results"]] == expected
    assert "Service Caché" not in response.content.decode()
    for item in data["results"]:
        assert set(item) == _service_fields()


def test_a_service_has_all_its_public_fields(client, catalogue):
    dossier, cast, base, extra = catalogue
    carnet = extra["carnet"]
    item = client.get(f"{LIST}{carnet.slug}/").json()
    assert item["identifiant"] == carnet.slug
    assert item["nom"] == "Carnet Santé Plus"
    assert item["editeur"] == "Éditeur de test"
    assert item["description_courte"] == "Suivre ses mesures au quotidien."
    assert item["url"] == f"{BASE}/catalogue/services/{carnet.slug}/"
    assert item["url_api"] == f"{BASE}/api/v1/services/{carnet.slug}/"
    assert item["logo"] is None
    assert item["thematiques"] == [{"code": "chronic", "libelle": "Maladies chroniques"}]
    assert item["regions"] == [{"code": "BRE", "libelle": "Bretagne"}]
    assert item["plateformes"] == [
        {
            "code": "ios",
            "libelle": "Application iOS",
            "url": "https://apps.apple.com/fr/app/carnet/id1",
        },
        {
            "code": "android",
            "libelle": "Application Android",
            "url": "https://play.google.com/store/apps/x",
        },
    ]
    assert item["modele_economique"] == {
        "code": "freemium",
        "libelle": "Gratuit avec options payantes",
    }
    assert item["accessibilite"] == {
        "code": "full",
        "libelle": "Totalement conforme",
        "declaration": None,
    }
    assert item["echanges_mes"] == [{"code": "measures", "libelle": "Mesures de santé"}]
    decision = base.decision
    assert item["referencement"] == {
        "date": base.referenced_on.isoformat(),
        "version_referentiel": base.referential_version,
        "decision": {
            "numero": decision.number,
            "date": timezone.localdate(decision.decided_at).isoformat(),
            "pdf": f"{BASE}/catalogue/services/{carnet.slug}/decision.pdf",
        },
        "renouvellement_avant": None,
    }
    assert item["mis_a_jour_le"].startswith(
        timezone.localtime(carnet.updated_at).date().isoformat()
    )

    # The published one: a renewal date (from its convention) and its accessibility statement.
    own = client.get(f"{LIST}{base.slug}/").json()
    assert own["referencement"]["renouvellement_avant"] == base.renewal_due.isoformat()
    assert own["accessibilite"]["declaration"] == "https://service.example/accessibilite"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=BRE", {"Carnet Santé Plus", "Pas à Pas", "base"}),  # FR counts everywhere
        ("theme=sleep", {"Nuit Calme"}),
        ("theme=sleep&theme=activity", {"Nuit Calme", "Pas à Pas"}),
        ("theme=sleep&region=BRE", set()),
        ("plateforme=ios", {"Carnet Santé Plus"}),
        ("prix=paid", {"Nuit Calme"}),
        ("echange=oui", {"Carnet Santé Plus"}),
        ("echange=measures", {"Carnet Santé Plus"}),
        ("echange=non&theme=nutrition", {"Mon Équilibre"}),
        ("q=equilibre", {"Mon Équilibre"}),
        ("q=Équilibre", {"Mon Équilibre"}),
    ],
)
def test_the_filters_and_search_are_the_catalogue_pages(client, catalogue, query, expected):
    dossier, cast, base, extra = catalogue
    data = client.get(f"{LIST}?{query}").json()
    names = {("base" if n == base.card.name else n) for n in _names(data)}
    assert names == expected
    assert data["count"] == len(expected)
    # Same services in the same order as the public page's search for the same query.
    page = listings_search(Criteria.from_query(QueryDict(query)))
    assert [item["identifiant"] for item in data["results"]] == [x.slug for x in page]


def test_the_search_ignores_accents(client, catalogue):
    """« sante » finds « Santé » (PostgreSQL: french_unaccent; SQLite: folded text)."""
    dossier, cast, base, extra = catalogue
    names = set(_names(client.get(f"{LIST}?q=sante").json()))
    assert "Carnet Santé Plus" in names
    assert base.card.name in names  # "Service santé N"
    assert "Nuit Calme" not in names
    assert _names(client.get(f"{LIST}?q=SANTÉ+carnet").json()) == ["Carnet Santé Plus"]


def test_an_unknown_filter_value_is_a_400_naming_it(client, catalogue):
    response = client.get(f"{LIST}?region=XYZ")
    assert response.status_code == 400
    assert "region" in response.json()


def test_pages_and_their_links(client, catalogue):
    first = client.get(f"{LIST}?taille=2&theme=sleep&theme=activity&theme=chronic").json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"].startswith(f"{BASE}/api/v1/services/?")
    assert "page=2" in first["next"] and "taille=2" in first["next"]
    second = client.get(first["next"].removeprefix(BASE)).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"].startswith(f"{BASE}/api/v1/services/?")
    names = _names(first) + _names(second)
    assert sorted(names) == sorted(["Nuit Calme", "Pas à Pas", "Carnet Santé Plus"])
    assert client.get(f"{LIST}?page=9").status_code == 404
    assert len(client.get(f"{LIST}?taille=1000").json()["results"]) == 5  # 100 at most


def test_absolute_addresses_never_come_from_the_host_header(client, catalogue):
    """The public cache keeps one answer whatever the Host: nothing may depend on it."""
    data = client.get(f"{LIST}?taille=1", HTTP_HOST="localhost").json()
    assert data["next"].startswith(BASE)
    assert data["results"][0]["url"].startswith(BASE)


def test_only_listed_services_have_a_detail(client, catalogue):
    dossier, cast, base, extra = catalogue
    assert client.get(f"{LIST}{base.slug}/").status_code == 200
    missing = client.get(f"{LIST}{extra['hidden'].slug}/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": missing.json()["detail"]}
    assert client.get(f"{LIST}inconnu/").status_code == 404

    publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, comment="Audit en cours.", **measure_fields("suspend")
    )
    assert client.get(f"{LIST}{base.slug}/").status_code == 404
    assert base.slug not in {i["identifiant"] for i in client.get(LIST).json()["results"]}


def test_the_api_is_read_only(client, catalogue):
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(LIST, data="{}", content_type="application/json").status_code in (403, 405)
    assert Listing.objects.listed().count() == 5


def test_conditional_get_through_django(client, catalogue):
    dossier, cast, base, extra = catalogue
    for path in (LIST, f"{LIST}?theme=sleep", f"{LIST}{base.slug}/"):
        response = client.get(path)
        etag, last_modified = response["ETag"], response["Last-Modified"]
        assert response["Cache-Control"] == "public, max-age=60"
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
        assert client.get(path, HTTP_IF_NONE_MATCH='"autre"').status_code == 200
        assert (
            client.get(path, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2024 00:00:00 GMT").status_code
            == 200
        )

    # A change elsewhere in the catalogue: the list's validators no longer match.
    before = client.get(LIST)
    Listing.objects.filter(pk=extra["nuit"].pk).update(
        listed=False, updated_at=timezone.now() + timedelta(seconds=2)
    )
    after = client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert client.get(LIST, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_conditional_get_and_invalidation_through_the_public_cache(
    catalogue, django_capture_on_commit_callbacks
):
    dossier, cast, base, extra = catalogue
    app = public_cache_app()
    detail = f"{LIST}{base.slug}/"
    status, headers, body = wsgi_get(app, LIST)
    assert status.startswith("200")
    etag = headers["etag"]
    assert "x-public-cache" not in headers
    with CaptureQueriesContext(connection) as queries:
        status, hit_headers, hit_body = wsgi_get(app, LIST)
        status_304, headers_304, body_304 = wsgi_get(app, LIST, if_none_match=etag)
        wsgi_get(app, detail)
    assert status.startswith("200")
    assert hit_body == body and hit_headers["etag"] == etag
    assert status_304.startswith("304") and body_304 == b""
    # The list twice and the 304 from memory: only the detail's first request reached Django
    # (the service, its history).
    assert len(queries) == 2

    with django_capture_on_commit_callbacks(execute=True):
        publication.dossier_suspend(
            dossier=dossier,
            actor=cast.admin,
            comment="Audit en cours.",
            **measure_fields("suspend"),
        )
    status, headers, body = wsgi_get(app, LIST)
    assert status.startswith("200")
    assert base.slug not in {i["identifiant"] for i in json.loads(body)["results"]}
    assert headers["etag"] != etag
    assert wsgi_get(app, LIST, if_none_match=etag)[0].startswith("200")
    assert wsgi_get(app, detail)[0].startswith("404")


def test_cors_is_open_for_reading(client, catalogue):
    response = client.get(LIST, HTTP_ORIGIN="https://reutilisateur.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    # Also without Origin: the public cache serves that same answer to browsers.
    assert client.get(LIST)["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        LIST,
        HTTP_ORIGIN="https://reutilisateur.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # The private pages are not opened.
    private = client.get("/dossiers/", HTTP_ORIGIN="https://reutilisateur.example")
    assert "Access-Control-Allow-Origin" not in private


def test_anonymous_clients_are_rate_limited(client, catalogue, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min"},
    }
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 200
    refused = client.get(LIST)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "detail" in refused.json()


def test_the_openapi_description_validates(client, tmp_path, catalogue):
    # drf-spectacular's own check: the OpenAPI 3.0 JSON Schema, and no generation warning.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    # Structurally: every operation answers something, every reference resolves…
    components = schema["components"]["schemas"]
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[-1] in components
    assert set(schema["paths"]) == {"/api/v1/services/", "/api/v1/services/{slug}/"}
    for item in schema["paths"].values():
        for operation in item.values():
            assert {"200", "304", "404", "429"} <= set(operation["responses"])
    # …and every query parameter of the catalogue is documented, with its allowed values.
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/services/"]["get"]["parameters"]}
    assert {"q", "tri", "page", "taille", *FILTERS} <= set(parameters)
    assert "BRE" in parameters["region"]["schema"]["items"]["enum"]
    assert {"oui", "non"} <= set(parameters["echange"]["schema"]["items"]["enum"])
    assert client.get("/api/v1/schema/?format=yaml").content.startswith(b"openapi:")


def test_the_documentation_page_is_written_from_the_schema(client, catalogue):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    parameters = openapi_schema()["paths"]["/api/v1/services/"]["get"]["parameters"]
    for parameter in parameters:
        assert f"<code>{parameter['name']}</code>" in body
    for field in ("referencement.decision.numero", "results[].plateformes[].url", "count"):
        assert f"<code>{field}</code>" in body
    assert "120 requêtes par minute" in body
    assert "<script" not in body.split("</header>", 1)[1].split("<footer", 1)[0]


def test_the_list_shows_each_service_s_data_exchange_flows(client, catalogue):
    extra = catalogue[3]
    items = {item["identifiant"]: item for item in client.get(LIST).json()["results"]}
    flows = items[extra["carnet"].slug]["echanges_de_donnees"]
    assert "measures" in [flow["code"] for flow in flows]


def test_the_list_costs_the_same_queries_for_one_service_or_five(client, catalogue):
    client.get(LIST)  # the first request of a process loads its content types etc.
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{LIST}?q=carnet").json()["count"] == 1
    with CaptureQueriesContext(connection) as five:
        assert client.get(LIST).json()["count"] == 5
    # The catalogue's last change, the count, the page, the page's history events, and the
    # page's proofs of data exchange (skipped when no service of the page exchanges data).
    assert len(one) == len(five) == 5


def test_other_api_addresses(client, catalogue):
    assert client.get("/api/v1/")["Location"] == "/api/v1/docs/"
    assert client.get("/api/v1/services")["Location"] == LIST
    missing = client.get("/api/v1/inconnu/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Aucune ressource à cette adresse."}

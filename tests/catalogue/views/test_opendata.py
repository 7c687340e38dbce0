"""Open data: the page documents the columns the CSV, the JSON and the Table Schema have, in
the same order; the files hold one row per listed service and follow at once every
publication change; conditional GET and CORS as the API."""

import csv
import io
import json
import re

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalogue.domain import publication
from catalogue.models import Logo
from catalogue.views.opendata import COLUMNS
from decisions.models import Decision
from tests.catalogue.api.public_cache_client import public_cache_app, wsgi_get
from tests.catalogue.helpers import extra_listing, published
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db
BASE = settings.PORTAL_BASE_URL.rstrip("/")
CSV = "/catalogue/donnees/catalogue.csv"
JSON = "/catalogue/donnees/catalogue.json"


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
        logo = Logo.objects.create(
            sha256="a" * 64, content=b"\x89PNG", content_type="image/png", width=1, height=1
        )
        extra = {
            "alpha": extra_listing(
                base,
                name="Alpha Santé",
                short_description="Un carnet, « partagé », en ligne.",
                themes=["chronic", "telehealth"],
                regions=["BRE", "IDF"],
                platforms=[
                    {"platform": "web", "url": "https://alpha.example/app"},
                    {"platform": "ios", "url": "https://apps.apple.com/fr/app/a|b/id1"},
                ],
                price_model="subscription",
                data_exchange=["measures", "documents"],
                accessibility_url="",
                logo=logo,
            ),
            "hidden": extra_listing(base, name="Service Caché", listed=False),
        }
        yield dossier, cast, base, extra
        transaction.set_rollback(True)


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def test_the_page_documents_the_columns_of_every_file(client, catalogue):
    page = client.get("/catalogue/donnees/")
    assert page.status_code == 200
    body = page.content.decode()
    table = body.split('id="schema-colonnes"', 1)[1].split("</table>", 1)[0]
    documented = re.findall(r"<tr><td>\d+</td><td><code>([a-z_]+)</code>", table)
    expected = [c.name for c in COLUMNS]
    assert documented == expected
    for column in COLUMNS:
        assert column.description.replace("'", "&#x27;") in table

    csv_body = client.get(CSV).content
    header = csv_body.split(b"\r\n", 1)[0].decode()
    assert header.split(",") == expected
    services = json.loads(client.get(JSON).content)["services"]
    assert all(list(service) == expected for service in services)
    schema = client.get("/catalogue/donnees/schema.json").json()
    assert [field["name"] for field in schema["fields"]] == expected
    assert schema["primaryKey"] == "identifiant"


def test_the_csv_has_one_row_per_listed_service(client, catalogue):
    dossier, cast, base, extra = catalogue
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert 'filename="catalogue-mon-espace-sante.csv"' in response["Content-Disposition"]
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    assert body.endswith(b"\r\n")
    rows = _rows(body)
    assert [r["identifiant"] for r in rows] == [extra["alpha"].slug, base.slug]  # by name
    alpha = rows[0]
    assert alpha["nom"] == "Alpha Santé"
    assert alpha["description_courte"] == "Un carnet, « partagé », en ligne."
    assert alpha["url"] == f"{BASE}/catalogue/services/{extra['alpha'].slug}/"
    assert alpha["logo"] == f"{BASE}/catalogue/logos/{'a' * 64}.png"
    assert alpha["thematiques"] == "chronic|telehealth"
    assert alpha["regions"] == "BRE|IDF"
    assert alpha["plateformes"] == "web|ios"
    # A "|" inside a link is percent-encoded: splitting on "|" stays right.
    assert alpha["liens_plateformes"] == (
        "https://alpha.example/app|https://apps.apple.com/fr/app/a%7Cb/id1"
    )
    assert alpha["modele_economique"] == "subscription"
    assert alpha["accessibilite"] == "partial"
    assert alpha["declaration_accessibilite"] == ""
    assert alpha["echanges_mes"] == "measures|documents"
    assert alpha["numero_decision"] == base.decision.number
    assert alpha["date_referencement"] == base.referenced_on.isoformat()
    assert alpha["url_decision"] == f"{BASE}/catalogue/services/{extra['alpha'].slug}/decision.pdf"
    assert alpha["renouvellement_avant"] == ""
    own = rows[1]
    assert own["renouvellement_avant"] == base.renewal_due.isoformat()
    assert own["echanges_mes"] == ""
    assert own["publie_le"] == timezone.localtime(base.first_published_at).isoformat(
        timespec="seconds"
    )
    assert "Service Caché" not in body.decode()


def test_the_json_has_the_same_rows_with_lists_and_nulls(client, catalogue):
    dossier, cast, base, extra = catalogue
    response = client.get(JSON)
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["version_schema"] == "1.0"
    assert document["nombre_services"] == 2
    alpha, own = document["services"]
    assert alpha["thematiques"] == ["chronic", "telehealth"]
    assert alpha["liens_plateformes"] == [
        "https://alpha.example/app",
        "https://apps.apple.com/fr/app/a|b/id1",
    ]
    assert alpha["declaration_accessibilite"] is None
    assert alpha["renouvellement_avant"] is None
    assert own["logo"] is None
    assert own["echanges_mes"] == []
    # Every row of the CSV is the JSON's, lists joined.
    csv_rows = _rows(client.get(CSV).content)
    for row, service in zip(csv_rows, document["services"], strict=True):
        for column in COLUMNS:
            value = service[column.name]
            if column.is_list:
                value = "|".join(v.replace("|", "%7C") for v in value)
            assert row[column.name] == ("" if value is None else str(value))


def test_the_files_follow_every_publication_change_at_once(
    catalogue, django_capture_on_commit_callbacks
):
    """Through the public cache, as production serves them: kept until the next change."""
    dossier, cast, base, extra = catalogue
    app = public_cache_app()
    status, headers, first = wsgi_get(app, CSV)
    assert status.startswith("200") and base.slug in first.decode()
    assert wsgi_get(app, CSV)[2] == first
    assert wsgi_get(app, CSV, if_none_match=headers["etag"])[0].startswith("304")

    with django_capture_on_commit_callbacks(execute=True):
        suspended = publication.dossier_suspend(
            dossier=dossier,
            actor=cast.admin,
            comment="Audit en cours.",
            **measure_fields("suspend"),
        )
    for path in (CSV, JSON):
        status, headers, body = wsgi_get(app, path)
        assert status.startswith("200")
        assert base.slug not in body.decode()
        assert extra["alpha"].slug in body.decode()
    assert json.loads(wsgi_get(app, JSON)[2])["nombre_services"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        publication.dossier_reinstate(
            dossier=suspended, actor=cast.admin, comment="Corrigé.", **measure_fields("reinstate")
        )
    assert base.slug in wsgi_get(app, CSV)[2].decode()


def test_conditional_get_and_cors(client, catalogue):
    for path in (CSV, JSON, "/catalogue/donnees/schema.json"):
        response = client.get(path, HTTP_ORIGIN="https://reutilisateur.example")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert client.get(path)["Access-Control-Allow-Origin"] == "*"
        assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    csv_response = client.get(CSV)
    assert client.get(CSV, HTTP_IF_MODIFIED_SINCE=csv_response["Last-Modified"]).status_code == 304

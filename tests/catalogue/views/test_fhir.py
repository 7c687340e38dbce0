"""The FHIR R4 view: every answer is `application/fhir+json` and parses back with
fhir.resources (R4B models, the R4 elements); services as DeviceDefinition searchable by name
and identifier, editors as Organization with their SIREN, the CapabilityStatement, 404s as
OperationOutcome, listed services only."""

import json

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.devicedefinition import DeviceDefinition
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization

from catalogue.domain import publication
from tests.catalogue.helpers import extra_listing, published
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db
BASE = settings.PORTAL_BASE_URL.rstrip("/")
FHIR = "/api/fhir"
SYSTEM = f"{BASE}/catalogue/services"


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        dossier, cast, base = published()
        extra = {
            "carnet": extra_listing(
                base,
                name="Carnet Santé Plus",
                themes=["chronic"],
                regions=["BRE"],
                platforms=[
                    {"platform": "web", "url": "https://carnet.example/"},
                    {"platform": "ios", "url": "https://apps.apple.com/fr/app/carnet/id1"},
                ],
                data_exchange=["measures"],
                editor_public_name="Carnet & Cie",
            ),
            "nuit": extra_listing(base, name="Nuit Calme", themes=["sleep"]),
            "hidden": extra_listing(base, name="Service Caché", listed=False),
        }
        yield dossier, cast, base, extra
        transaction.set_rollback(True)


def _get(client, path, status=200):
    response = client.get(f"{FHIR}{path}")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    return response


def _bundle(client, query) -> Bundle:
    bundle = Bundle.model_validate_json(_get(client, f"/DeviceDefinition{query}").content)
    assert bundle.type == "searchset"
    return bundle


def _slugs(bundle) -> list[str]:
    return [entry.resource.identifier[0].value for entry in bundle.entry or []]


def test_the_capability_statement(client, catalogue):
    statement = CapabilityStatement.model_validate_json(_get(client, "/metadata").content)
    assert statement.fhirVersion == "4.0.1"
    assert statement.format == ["application/fhir+json"]
    resources = {r.type: r for r in statement.rest[0].resource}
    assert set(resources) == {"DeviceDefinition", "Organization"}
    assert {i.code for i in resources["DeviceDefinition"].interaction} == {"read", "search-type"}
    assert {p.name for p in resources["DeviceDefinition"].searchParam} == {"name", "identifier"}


def test_a_service_is_a_device_definition(client, catalogue):
    dossier, cast, base, extra = catalogue
    carnet = extra["carnet"]
    device = DeviceDefinition.model_validate_json(
        _get(client, f"/DeviceDefinition/{carnet.pk}").content
    )
    assert device.id == str(carnet.pk)
    assert (device.identifier[0].system, device.identifier[0].value) == (SYSTEM, carnet.slug)
    assert [(n.name, n.type) for n in device.deviceName] == [
        ("Carnet Santé Plus", "user-friendly-name")
    ]
    assert device.manufacturerReference.reference == (
        f"Organization/{carnet.service.organisation_id}"
    )
    assert device.manufacturerReference.display == "Carnet & Cie"
    assert device.onlineInformation == f"{BASE}/catalogue/services/{carnet.slug}/"
    assert device.url == "https://carnet.example/"
    properties = {
        p.type.coding[0].code: [v.coding[0].code for v in p.valueCode] for p in device.property
    }
    assert properties == {
        "thematique": ["chronic"],
        "region": ["BRE"],
        "plateforme": ["web", "ios"],
        "modele-economique": ["free"],
        "accessibilite": ["partial"],
        "echange-mes": ["measures"],
    }
    referencing = next(e for e in device.extension if e.url.endswith("/referencement"))
    parts = {e.url: e for e in referencing.extension}
    assert parts["decision"].valueString == base.decision.number
    assert parts["versionReferentiel"].valueString == base.referential_version
    assert str(parts["date"].valueDate) == base.referenced_on.isoformat()
    assert f"décision n° {base.decision.number}" in device.note[0].text
    links = [e for e in device.extension if e.url.endswith("/lien-plateforme")]
    assert len(links) == 2


def test_the_editor_is_an_organization_with_its_siren(client, catalogue):
    dossier, cast, base, extra = catalogue
    carnet = extra["carnet"]
    organisation = carnet.service.organisation
    found = Organization.model_validate_json(
        _get(client, f"/Organization/{organisation.pk}").content
    )
    assert found.name == organisation.name
    assert found.alias == ["Carnet & Cie"]
    siren = found.identifier[0]
    assert (siren.system, siren.value) == ("https://sirene.fr", organisation.siren)
    assert siren.type.coding[0].code == "SIREN"
    # An organisation whose services are none listed is not public.
    hidden = extra["hidden"].service.organisation
    outcome = OperationOutcome.model_validate_json(
        _get(client, f"/Organization/{hidden.pk}", status=404).content
    )
    assert outcome.issue[0].code == "not-found"


def test_search_by_name_and_identifier(client, catalogue):
    dossier, cast, base, extra = catalogue
    everything = _bundle(client, "")
    assert everything.total == 3
    assert "Service Caché" not in json.dumps(everything.model_dump(mode="json"))
    assert _slugs(_bundle(client, "?name=carnet")) == [extra["carnet"].slug]
    assert _slugs(_bundle(client, "?name=CARNET%20sant%C3%A9")) == [extra["carnet"].slug]
    assert _slugs(_bundle(client, "?name:contains=sante")) == sorted(
        [extra["carnet"].slug, base.slug],
        key=lambda s: [extra["carnet"].slug, base.slug].index(s),
    )
    assert _slugs(_bundle(client, "?name:exact=Nuit%20Calme")) == [extra["nuit"].slug]
    assert _slugs(_bundle(client, "?name:exact=nuit%20calme")) == []
    assert set(_slugs(_bundle(client, "?name=nuit,carnet"))) == {
        extra["nuit"].slug,
        extra["carnet"].slug,
    }
    slug = extra["nuit"].slug
    assert _slugs(_bundle(client, f"?identifier={SYSTEM}|{slug}")) == [slug]
    assert _slugs(_bundle(client, f"?identifier={slug}")) == [slug]
    assert _bundle(client, f"?identifier=https://autre.example|{slug}").total == 0
    assert _bundle(client, f"?identifier={extra['hidden'].slug}").total == 0
    entry = _bundle(client, f"?identifier={slug}").entry[0]
    assert entry.fullUrl == f"{BASE}/api/fhir/DeviceDefinition/{extra['nuit'].pk}"
    assert entry.search.mode == "match"


def test_search_pages(client, catalogue):
    first = _bundle(client, "?_count=2")
    assert first.total == 3 and len(first.entry) == 2
    relations = {link.relation: link.url for link in first.link}
    assert relations["next"].startswith(f"{BASE}/api/fhir/DeviceDefinition?")
    second = _bundle(client, "?" + relations["next"].split("?", 1)[1])
    assert len(second.entry) == 1
    assert "next" not in {link.relation for link in second.link}
    assert _slugs(first) + _slugs(second) == _slugs(_bundle(client, ""))


def test_what_is_not_listed_is_a_404_operation_outcome(client, catalogue):
    dossier, cast, base, extra = catalogue
    for path in (
        f"/DeviceDefinition/{extra['hidden'].pk}",
        "/DeviceDefinition/999999",
        "/DeviceDefinition/abc",
        "/Patient/1",
        "/",
    ):
        outcome = OperationOutcome.model_validate_json(_get(client, path, status=404).content)
        assert outcome.issue[0].severity == "error"
    assert _get(client, f"/DeviceDefinition/{base.pk}").status_code == 200
    publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, comment="Audit en cours.", **measure_fields("suspend")
    )
    _get(client, f"/DeviceDefinition/{base.pk}", status=404)
    assert base.slug not in _slugs(_bundle(client, ""))


def test_only_json_is_served(client, catalogue):
    outcome = OperationOutcome.model_validate_json(
        _get(client, "/metadata?_format=xml", status=406).content
    )
    assert outcome.issue[0].code == "not-supported"
    assert _get(client, "/metadata?_format=json").status_code == 200


def test_conditional_get_and_cors(client, catalogue):
    dossier, cast, base, extra = catalogue
    for path in ("/metadata", "/DeviceDefinition", f"/DeviceDefinition/{base.pk}"):
        response = _get(client, path)
        assert response["Access-Control-Allow-Origin"] == "*"
        again = client.get(f"{FHIR}{path}", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304


def test_a_search_costs_the_same_queries_for_one_service_or_three(client, catalogue):
    client.get(f"{FHIR}/DeviceDefinition")
    with CaptureQueriesContext(connection) as one:
        assert _bundle(client, "?name=nuit").total == 1
    with CaptureQueriesContext(connection) as three:
        assert _bundle(client, "").total == 3
    # The count, the page, the catalogue's last change.
    assert len(one) == len(three) == 3

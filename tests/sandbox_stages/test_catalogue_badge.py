"""The catalogue's proofs of data exchange: written when a stage is validated, shown on the
service's public page and in the open API."""

import pytest
from django.urls import reverse

from applications.enums import DossierState as S
from catalogue.models import ExchangeProof, Listing
from tests.factories.dossiers import dossier_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db):
    dossier, cast = dossier_in_state(S.PUBLISHED, requests_data_exchange=True)
    return dossier, cast, Listing.objects.get(dossier=dossier)


def test_each_passed_stage_is_a_proof_of_the_flow(published):
    dossier, _cast, _listing = published
    proofs = ExchangeProof.objects.filter(dossier=dossier, api="measures")
    assert sorted(proofs.values_list("stage", flat=True)) == ["connection", "end_to_end", "unit"]
    assert set(proofs.values_list("guide_version", flat=True)) == {"3.1.0"}


def test_the_public_page_shows_the_badges(client, published):
    _dossier, _cast, listing = published
    page = client.get(reverse("catalogue:detail", args=[listing.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tests d’échange de données réussis" in text
    assert 'data-proof="measures-end_to_end"' in text
    assert "Mesures de santé : Tests de raccordement réussis le" in text
    assert "ans.fhir.fr.mesures 3.1.0" in text


def test_the_api_gives_the_flows_and_their_stages(client, published):
    _dossier, _cast, listing = published
    response = client.get(f"/api/v1/services/{listing.slug}/")
    assert response.status_code == 200
    flows = response.json()["echanges_de_donnees"]
    assert [flow["code"] for flow in flows] == ["measures"]
    stages = flows[0]["etapes"]
    assert [stage["etape"] for stage in stages] == ["unit", "end_to_end", "connection"]
    assert stages[0]["guide"] == "ans.fhir.fr.mesures" and stages[0]["version_guide"] == "3.1.0"
    assert stages[0]["libelle"] == "Tests unitaires"


def test_a_service_without_data_exchange_has_no_badge(client, db):
    dossier, _cast = dossier_in_state(S.PUBLISHED)
    listing = Listing.objects.get(dossier=dossier)
    page = client.get(reverse("catalogue:detail", args=[listing.slug]))
    assert "Tests d’échange de données réussis" not in page.content.decode()
    response = client.get(f"/api/v1/services/{listing.slug}/")
    assert response.json()["echanges_de_donnees"] == []

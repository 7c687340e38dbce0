"""The measures' decision numbers in the public history — the service's page, the API's
`historique`, the open data's history file, the change feed and the tombstone — and the
portal's own suspension at expiry, which is still taken (no decision: it is not a person's act)
and which a reinstatement decision may end."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
import time_machine

from applications.enums import DossierState
from applications.models import Dossier
from catalogue.domain import publication
from catalogue.domain.expiry import referencing_expiry_run
from catalogue.enums import EventKind
from catalogue.models import Listing, PublicEvent
from decisions.domain.documents import decision_render
from decisions.enums import DecisionKind
from decisions.models import Decision
from tests.catalogue.helpers import published
from tests.catalogue.report_tools import T0, in_paris
from tests.decisions.helpers import pdf_text
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db
K = DecisionKind
LIST = "/api/v1/services/"


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    """The decisions' PDFs in a folder of this test."""


@pytest.fixture
def measures():
    """A: published, suspended, reinstated; B: published, de-referenced (their decisions)."""
    with time_machine.travel(T0, tick=False):
        dossier_a, cast_a, listing_a = published()
        dossier_b, cast_b, listing_b = published()
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        dossier_a = publication.dossier_suspend(
            dossier=dossier_a,
            actor=cast_a.admin,
            comment="Contrôle de sécurité en cours.",
            **measure_fields("suspend"),
        )
    with time_machine.travel(T0 + timedelta(days=20), tick=False):
        publication.dossier_reinstate(
            dossier=dossier_a,
            actor=cast_a.admin,
            comment="Sécurité rétablie.",
            **measure_fields("reinstate"),
        )
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        publication.dossier_dereference(
            dossier=dossier_b,
            actor=cast_b.ministry,
            comment="Manquement grave au RGPD.",
            **measure_fields("dereference"),
        )
    numbers = {
        kind: Decision.objects.get(dossier__in=[dossier_a, dossier_b], kind=kind).number
        for kind in K.measures()
    }
    return Listing.objects.get(pk=listing_a.pk), Listing.objects.get(pk=listing_b.pk), numbers


def test_the_service_page_shows_each_measure_s_number(client, measures):
    listing_a, _listing_b, numbers = measures
    body = client.get(f"/catalogue/services/{listing_a.slug}/").content.decode()
    assert f"n° {numbers[K.SUSPENSION]}" in body
    assert f"n° {numbers[K.REINSTATEMENT]}" in body
    assert "Contrôle de sécurité en cours." in body
    assert "Sécurité rétablie." in body


def test_the_api_history_gives_each_measure_s_number(client, measures):
    listing_a, _listing_b, numbers = measures
    history = client.get(f"{LIST}{listing_a.slug}/").json()["historique"]
    by_kind = {entry["evenement"]: entry for entry in history}
    assert by_kind["suspended"]["decision"] == numbers[K.SUSPENSION]
    assert by_kind["suspended"]["motif"] == "Contrôle de sécurité en cours."
    assert by_kind["reinstated"]["decision"] == numbers[K.REINSTATEMENT]


def test_the_tombstone_gives_the_dereferencing_decision(client, measures):
    _listing_a, listing_b, numbers = measures
    response = client.get(f"/catalogue/services/{listing_b.slug}/")
    assert response.status_code == 410
    body = response.content.decode()
    assert f"Décision de déréférencement n° {numbers[K.DEREFERENCING]}." in body
    assert "Motif : Manquement grave au RGPD." in body
    referencing = listing_b.decision.number
    assert f"Il avait été référencé par la décision n° {referencing}." in body
    api = client.get(f"{LIST}{listing_b.slug}/")
    assert api.status_code == 410
    assert api.json()["decision"] == referencing
    assert api.json()["historique"][-1]["decision"] == numbers[K.DEREFERENCING]


def test_the_feed_gives_each_measure_s_number_and_motive(client, measures):
    _listing_a, _listing_b, numbers = measures
    feed = json.loads(client.get("/catalogue/flux.json").content)
    by_kind = {i["_referencement"]["evenement"]: i for i in feed["items"]}
    for event, kind in (
        ("suspended", K.SUSPENSION),
        ("reinstated", K.REINSTATEMENT),
        ("dereferenced", K.DEREFERENCING),
    ):
        assert by_kind[event]["_referencement"]["decision"] == numbers[kind], event
        assert f"Décision n° {numbers[kind]}." in by_kind[event]["content_text"], event
    atom = client.get("/catalogue/flux.atom").content.decode()
    assert f"Décision n° {numbers[K.SUSPENSION]}." in atom


def test_the_open_data_history_gives_each_measure_s_number(client, measures):
    listing_a, listing_b, numbers = measures
    response = client.get("/catalogue/donnees/historique.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    mine = {
        r["evenement"]: r["numero_decision"]
        for r in rows
        if r["identifiant"] in (listing_a.slug, listing_b.slug) and r["evenement"] != "published"
    }
    assert mine == {
        "suspended": numbers[K.SUSPENSION],
        "reinstated": numbers[K.REINSTATEMENT],
        "dereferenced": numbers[K.DEREFERENCING],
    }


# ---------------------------------------------------------------------------------------------
# The suspension at expiry: the portal's act, not a decision
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def expired(settings):
    settings.CONVENTION_DURATION_YEARS = 1
    settings.REFERENCING_GRACE_MONTHS = 6
    with time_machine.travel(T0, tick=False):
        dossier, cast, listing = published()
    with time_machine.travel(in_paris(listing.renewal_due + timedelta(days=1)), tick=False):
        assert referencing_expiry_run().summary()["suspended"] == 1
    return Dossier.objects.get(pk=dossier.pk), cast, listing


def test_the_suspension_at_expiry_is_taken_without_a_decision(expired):
    dossier, _cast, listing = expired
    assert dossier.state == DossierState.SUSPENDED
    assert not Listing.objects.get(pk=listing.pk).listed
    assert list(Decision.objects.filter(dossier=dossier).values_list("kind", flat=True)) == [
        K.REFERENCING
    ]
    event = PublicEvent.objects.filter(listing=listing).order_by("-pk").first()
    assert (event.kind, event.decision_number) == (EventKind.SUSPENDED, "")
    assert event.motive.startswith("Référencement arrivé à échéance le ")


def test_a_reinstatement_after_the_suspension_at_expiry_is_a_decision_of_its_own(expired):
    dossier, cast, listing = expired
    with time_machine.travel(in_paris(date(2027, 3, 20)), tick=False):
        publication.dossier_reinstate(
            dossier=dossier,
            actor=cast.admin,
            comment="Renouvellement en cours d'instruction.",
            **measure_fields("reinstate"),
        )
    reinstatement = Decision.objects.get(dossier=dossier, kind=K.REINSTATEMENT)
    assert reinstatement.suspension is None
    assert reinstatement.number.startswith("REF-2027-")
    decision_render(decision_id=reinstatement.pk)
    reinstatement.refresh_from_db()
    with reinstatement.pdf.open("rb") as stream:
        text = pdf_text(stream.read())
    assert "Vu la suspension du service par le portail à l'échéance de son référencement" in text
    assert "La suspension du service est levée." in text
    event = PublicEvent.objects.filter(listing=listing).order_by("-pk").first()
    assert (event.kind, event.decision_number) == (EventKind.REINSTATED, reinstatement.number)

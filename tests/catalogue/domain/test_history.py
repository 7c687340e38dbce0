"""A service's public history — referenced, renewed, suspended with its motive, reinstated,
de-referenced — with dates and decision numbers, the same in its page, the API, the open data
and the feed; and a de-referenced service's tombstone: 410 Gone with when and why, in no list,
search or sitemap."""

import csv
import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier
from catalogue.domain import publication
from catalogue.domain.history import listing_history, tombstone_for
from catalogue.domain.search import Criteria, listings_search
from catalogue.enums import EventKind
from catalogue.models import Listing
from tests.catalogue.helpers import extra_listing, published
from tests.catalogue.report_tools import T0
from tests.factories.dossiers import dossier_in_state, measure_fields

pytestmark = pytest.mark.django_db
LIST = "/api/v1/services/"


def _renew(listing, cast):
    """A second dossier of the listed service, referenced and published: its renewal."""
    other, _other_cast = dossier_in_state(DossierState.REFERENCED)
    Dossier.objects.filter(pk=other.pk).update(
        service_id=listing.service_id, convention_signed_at=timezone.now()
    )
    return publication.dossier_publish(dossier=Dossier.objects.get(pk=other.pk), actor=cast.admin)


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """A: published, suspended, reinstated, renewed; B: published, de-referenced."""
    with django_db_blocker.unblock(), transaction.atomic():
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
                comment="Corrigé.",
                **measure_fields("reinstate"),
            )
        with time_machine.travel(T0 + timedelta(days=30), tick=False):
            publication.dossier_dereference(
                dossier=dossier_b,
                actor=cast_b.ministry,
                comment="Manquement grave au RGPD.",
                **measure_fields("dereference"),
            )
        with time_machine.travel(T0 + timedelta(days=40), tick=False):
            renewal = _renew(listing_a, cast_a)
        listing_a.refresh_from_db()
        listing_b.refresh_from_db()
        yield listing_a, listing_b, dossier_a, renewal, cast_a
        transaction.set_rollback(True)


def test_the_history_lists_each_public_event_oldest_first(history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    entries = listing_history(listing_a)
    assert [e.kind for e in entries] == [
        EventKind.PUBLISHED,
        EventKind.SUSPENDED,
        EventKind.REINSTATED,
        EventKind.RENEWED,
    ]
    first_decision = dossier_a.decisions.get(kind="referencing").number
    assert entries[0].decision_number == first_decision
    assert entries[1].motive == "Contrôle de sécurité en cours."
    assert entries[3].decision_number == renewal.decisions.get().number != first_decision
    assert entries[1].occurred_at == T0 + timedelta(days=10)
    assert listing_a.dossier_id == renewal.pk and listing_a.listed


def test_the_page_shows_the_history(client, history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    body = client.get(f"/catalogue/services/{listing_a.slug}/").content.decode()
    assert "Historique du référencement" in body
    for text in (
        "Publication au catalogue",
        "Suspension",
        "Contrôle de sécurité en cours.",
        "Réintégration au catalogue",
        "Renouvellement du référencement",
        f"n° {dossier_a.decisions.get(kind='referencing').number}",
        f"n° {renewal.decisions.get().number}",
        "20 mars 2026",  # the suspension, ten days after 10 March
    ):
        assert text in body, text
    assert f'href="/catalogue/services/{listing_a.slug}/signaler/"' in body


def test_the_page_costs_a_fixed_number_of_queries(client, history):
    listing_a, *_ = history
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/catalogue/services/{listing_a.slug}/").status_code == 200
    assert len(queries) <= 3


def test_the_api_gives_the_history_in_the_list_and_the_detail(client, history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    item = client.get(f"{LIST}{listing_a.slug}/").json()
    kinds = [e["evenement"] for e in item["historique"]]
    assert kinds == ["published", "suspended", "reinstated", "renewed"]
    suspended = item["historique"][1]
    assert suspended == {
        "evenement": "suspended",
        "libelle": "Suspension",
        "date": timezone.localtime(T0 + timedelta(days=10)).isoformat(),
        "decision": dossier_a.decisions.get(kind="suspension").number,
        "motif": "Contrôle de sécurité en cours.",
    }
    assert item["historique"][3]["decision"] == renewal.decisions.get().number
    listed = client.get(LIST).json()["results"]
    assert [e["evenement"] for e in listed[0]["historique"]] == kinds


def test_the_api_list_costs_the_same_queries_with_more_services(client, history):
    listing_a, *_ = history
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(3):
        extra_listing(listing_a, name=f"Service en plus {n}")
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(LIST).json()["results"]) == 4
    assert len(four) == len(one)


def test_the_feed_tells_the_renewal_with_its_decision(client, history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    feed = json.loads(client.get("/catalogue/flux.json").content)
    renewed = [i for i in feed["items"] if i["_referencement"]["evenement"] == "renewed"]
    assert len(renewed) == 1
    assert renewed[0]["title"] == f"Renouvellement du référencement — {listing_a.card.name}"
    number = renewal.decisions.get().number
    assert renewed[0]["_referencement"]["decision"] == number
    assert f"est renouvelé. Décision n° {number}." in renewed[0]["content_text"]
    atom = client.get("/catalogue/flux.atom").content.decode()
    assert "Motif : Manquement grave au RGPD." in atom


def test_the_open_data_history_has_every_service_s_events(client, history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    response = client.get("/catalogue/donnees/historique.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    rows = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    mine = [r for r in rows if r["identifiant"] in (listing_a.slug, listing_b.slug)]
    assert [(r["identifiant"], r["evenement"]) for r in mine] == [
        (listing_a.slug, "published"),
        (listing_b.slug, "published"),
        (listing_a.slug, "suspended"),
        (listing_a.slug, "reinstated"),
        (listing_b.slug, "dereferenced"),
        (listing_a.slug, "renewed"),
    ]
    dereferenced = mine[4]
    assert dereferenced["motif"] == "Manquement grave au RGPD."
    assert dereferenced["numero_decision"] == (
        listing_b.dossier.decisions.get(kind="dereferencing").number
    )
    assert dereferenced["date"].startswith("2026-04-09T")
    data = client.get("/catalogue/donnees/historique.json").json()
    assert data["nombre_evenements"] == len(data["evenements"]) == len(rows)
    assert data["evenements"][0].keys() == rows[0].keys()
    schema = client.get("/catalogue/donnees/historique-schema.json").json()
    assert [f["name"] for f in schema["fields"]] == list(rows[0].keys())
    page = client.get("/catalogue/donnees/").content.decode()
    assert "/catalogue/donnees/historique.csv" in page and "numero_decision" in page


def test_a_dereferenced_service_has_a_tombstone(client, history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    response = client.get(f"/catalogue/services/{listing_b.slug}/")
    assert response.status_code == 410
    body = response.content.decode()
    assert "Service déréférencé le 9 avril 2026" in body
    assert "Motif : Manquement grave au RGPD." in body
    assert listing_b.card.name in body
    assert 'name="robots" content="noindex"' in body

    api = client.get(f"{LIST}{listing_b.slug}/")
    assert api.status_code == 410
    data = api.json()
    assert data["identifiant"] == listing_b.slug
    assert data["motif"] == "Manquement grave au RGPD."
    assert data["decision"] == listing_b.decision.number
    assert (
        data["detail"]
        == "Ce service a été déréférencé le 9 avril 2026 : il n'est plus au catalogue."
    )
    assert [e["evenement"] for e in data["historique"]] == ["published", "dereferenced"]

    assert listing_b.slug not in client.get("/sitemap.xml").content.decode()
    assert listing_b not in listings_search(Criteria())
    assert listing_b.slug not in {i["identifiant"] for i in client.get(LIST).json()["results"]}


def test_a_suspended_or_unknown_service_is_no_tombstone(client, history):
    listing_a, listing_b, dossier_a, renewal, cast_a = history
    assert tombstone_for("inconnu") is None
    hidden = extra_listing(listing_a, name="Jamais montré", listed=False)
    assert tombstone_for(hidden.slug) is None
    assert client.get(f"/catalogue/services/{hidden.slug}/").status_code == 404
    assert client.get(f"{LIST}{hidden.slug}/").status_code == 404

    publication.dossier_suspend(
        dossier=renewal, actor=cast_a.admin, comment="Audit.", **measure_fields("suspend")
    )
    assert not Listing.objects.get(pk=listing_a.pk).listed
    assert tombstone_for(listing_a.slug) is None
    assert client.get(f"/catalogue/services/{listing_a.slug}/").status_code == 404
    assert client.get(f"{LIST}{listing_a.slug}/").status_code == 404

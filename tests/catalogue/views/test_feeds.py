"""The change feed: every kind of public event, in Atom and JSON Feed, newest first, with its
date, label, service, editor and public motive; links to the service while it is listed;
older pages linked; conditional GET and CORS."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalogue.domain import publication
from catalogue.enums import EventKind
from catalogue.models import PublicEvent
from catalogue.views.feeds import PAGE_SIZE
from tests.catalogue.helpers import published
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db
BASE = settings.PORTAL_BASE_URL.rstrip("/")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """A: published, card updated, suspended, reinstated; B: published, de-referenced."""
    with django_db_blocker.unblock(), transaction.atomic():
        dossier_a, cast_a, listing_a = published()
        card = listing_a.card
        card.short_description = "Nouvelle description."
        card.save()
        publication.listing_apply_card(card)
        dossier_a = publication.dossier_suspend(
            dossier=dossier_a,
            actor=cast_a.admin,
            comment="Audit de sécurité en cours.",
            **measure_fields("suspend"),
        )
        publication.dossier_reinstate(
            dossier=dossier_a, actor=cast_a.admin, comment="Corrigé.", **measure_fields("reinstate")
        )
        dossier_b, cast_b, listing_b = published()
        publication.dossier_dereference(
            dossier=dossier_b,
            actor=cast_b.ministry,
            comment="Fin du référencement.",
            **measure_fields("dereference"),
        )
        listing_a.refresh_from_db()
        listing_b.refresh_from_db()
        yield listing_a, listing_b
        transaction.set_rollback(True)


def _entries(client, query=""):
    response = client.get(f"/catalogue/flux.atom{query}")
    assert response.status_code == 200
    return response, ET.fromstring(response.content)


def test_the_atom_feed_lists_every_event_newest_first(client, history):
    listing_a, listing_b = history
    response, root = _entries(client)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert root.find(f"{ATOM}title").text == "Évolutions du catalogue de Mon espace santé"
    entries = root.findall(f"{ATOM}entry")
    events = list(PublicEvent.objects.order_by("-occurred_at", "-pk"))
    assert len(entries) == len(events) == 6
    assert [e.find(f"{ATOM}category").get("term") for e in entries] == [
        EventKind.DEREFERENCED,
        EventKind.PUBLISHED,
        EventKind.REINSTATED,
        EventKind.SUSPENDED,
        EventKind.UPDATED,
        EventKind.PUBLISHED,
    ]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 6 and all(i.startswith("tag:") for i in ids)
    for entry, event in zip(entries, events, strict=True):
        title = entry.find(f"{ATOM}title").text
        assert title == f"{event.get_kind_display()} — {event.service_name}"
        updated = datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert abs((updated - event.occurred_at).total_seconds()) < 1
        summary = entry.find(f"{ATOM}summary").text
        assert event.service_name in summary and event.editor_name in summary
        link = entry.find(f"{ATOM}link").get("href")
        if event.listing_id == listing_a.pk:  # listed again: its page
            assert link == f"{BASE}/catalogue/services/{listing_a.slug}/"
        else:  # de-referenced: the catalogue
            assert link == f"{BASE}/catalogue/"
    suspended = entries[3].find(f"{ATOM}summary").text
    assert "Motif : Audit de sécurité en cours." in suspended
    assert "Motif : Fin du référencement." in entries[0].find(f"{ATOM}summary").text
    assert f"Décision n° {listing_b.decision.number}" in entries[1].find(f"{ATOM}summary").text
    assert root.find(f"{ATOM}link[@rel='next']") is None


def test_the_json_feed_has_every_event_with_its_fields(client, history):
    listing_a, listing_b = history
    response = client.get("/catalogue/flux.json")
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{BASE}/catalogue/flux.json"
    assert feed["home_page_url"] == f"{BASE}/catalogue/"
    assert "next_url" not in feed
    items = feed["items"]
    kinds = [item["_referencement"]["evenement"] for item in items]
    assert sorted(kinds) == sorted(
        ["published", "updated", "suspended", "reinstated", "published", "dereferenced"]
    )
    by_kind = {item["_referencement"]["evenement"]: item for item in items}
    suspended = by_kind["suspended"]["_referencement"]
    assert suspended == {
        "evenement": "suspended",
        "libelle": "Suspension",
        "service": listing_a.card.name,
        "editeur": listing_a.card.editor_public_name,
        "motif": "Audit de sécurité en cours.",
        "decision": listing_a.dossier.decisions.get(kind="suspension").number,
        "identifiant": listing_a.slug,
        "au_catalogue": True,
    }
    assert by_kind["dereferenced"]["_referencement"]["au_catalogue"] is False
    assert by_kind["dereferenced"]["url"] == f"{BASE}/catalogue/"
    assert by_kind["reinstated"]["url"] == f"{BASE}/catalogue/services/{listing_a.slug}/"
    assert by_kind["updated"]["title"] == f"Mise à jour de la fiche — {listing_a.card.name}"
    published = [i for i in items if i["_referencement"]["evenement"] == "published"]
    assert {i["_referencement"]["decision"] for i in published} == {
        listing_a.decision.number,
        listing_b.decision.number,
    }
    for item in items:
        datetime.fromisoformat(item["date_published"])
        assert item["content_text"]


def test_older_events_are_on_linked_pages(client, history):
    listing_a, listing_b = history
    start = timezone.now() - timedelta(days=30)
    PublicEvent.objects.bulk_create(
        PublicEvent(
            listing=listing_a,
            kind=EventKind.UPDATED,
            occurred_at=start + timedelta(minutes=n),
            service_name=listing_a.card.name,
            editor_name=listing_a.card.editor_public_name,
        )
        for n in range(PAGE_SIZE)
    )
    total = PublicEvent.objects.count()
    feed = json.loads(client.get("/catalogue/flux.json").content)
    assert len(feed["items"]) == PAGE_SIZE
    older = json.loads(client.get(feed["next_url"].removeprefix(BASE)).content)
    assert len(older["items"]) == total - PAGE_SIZE
    ids = [i["id"] for i in feed["items"] + older["items"]]
    assert len(set(ids)) == total
    response, root = _entries(client)
    next_link = root.find(f"{ATOM}link[@rel='next']").get("href")
    assert next_link.startswith(f"{BASE}/catalogue/flux.atom?avant=")
    _response, page_two = _entries(client, "?" + next_link.split("?", 1)[1])
    assert len(page_two.findall(f"{ATOM}entry")) == total - PAGE_SIZE
    assert client.get("/catalogue/flux.json?avant=abc").status_code == 404
    assert client.get("/catalogue/flux.atom?avant=999999999").status_code == 404


def test_conditional_get_and_cors(client, history):
    for path in ("/catalogue/flux.atom", "/catalogue/flux.json"):
        response = client.get(path)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        assert client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304

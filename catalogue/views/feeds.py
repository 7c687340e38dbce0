"""The catalogue's change feed: every publication, renewal, card update, suspension,
reinstatement and de-referencing (`PublicEvent`), newest first, with its date, the decision's
number (publication, renewal) and its public motive — each service's public history
(catalogue/domain/history.py) plus the card updates.

- `/catalogue/flux.atom`: Atom, by Django's syndication framework;
- `/catalogue/flux.json`: JSON Feed 1.1 (jsonfeed.org), each item with an `_referencement`
  extension holding the event's fields.

Both list `PAGE_SIZE` events a page and link the next, older page (`?avant=<event>`: a page
never changes once written, but for the links below); an event links to the service's page
while the service is listed, else to the catalogue. Two queries a page (the anchor event, the
page) plus the catalogue's last change for `Last-Modified`; kept by the public cache until the
next publication change."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from portal.public_cache import public_cache

from ..api import links
from ..api.conditional import OPEN_CORS, catalogue_last_modified, conditional_response
from ..enums import EventKind
from ..models import PublicEvent

PAGE_SIZE = 50
TITLE = "Évolutions du catalogue de Mon espace santé"
DESCRIPTION = (
    "Chaque publication, renouvellement, mise à jour, suspension, réintégration et chaque "
    "déréférencement "
    "d'un service numérique en santé au catalogue de Mon espace santé, avec son motif public."
)
AUTHOR = "Ministère chargé de la santé"
#: The `updated` date of a feed that has no event yet (fixed, so that its ETag is stable).
EMPTY_FEED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class EventsPage:
    events: list
    next_url_atom: str | None
    next_url_json: str | None


def events_page(before: str | None) -> EventsPage:
    """The `PAGE_SIZE` events older than event `before` (the newest without it)."""
    qs = PublicEvent.objects.select_related("listing").only(
        "kind",
        "occurred_at",
        "motive",
        "service_name",
        "editor_name",
        "decision_number",
        "listing__slug",
        "listing__listed",
    )
    if before is not None:
        if not before.isascii() or not before.isdigit():
            raise Http404
        anchor = PublicEvent.objects.filter(pk=int(before)).values_list("occurred_at", flat=True)
        moment = anchor.first()
        if moment is None:
            raise Http404
        qs = qs.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, pk__lt=int(before)))
    rows = list(qs.order_by("-occurred_at", "-pk")[: PAGE_SIZE + 1])
    events, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    older = f"?avant={events[-1].pk}" if more else ""
    return EventsPage(
        events=events,
        next_url_atom=_feed_url("catalogue:feed-atom") + older if more else None,
        next_url_json=_feed_url("catalogue:feed-json") + older if more else None,
    )


def _feed_url(name: str) -> str:
    return links.absolute(reverse(name))


def event_link(event: PublicEvent) -> str:
    if event.listing.listed:
        return links.absolute(reverse("catalogue:detail", args=[event.listing.slug]))
    return links.catalogue_url()


def event_id(event: PublicEvent) -> str:
    """A permanent tag URI (RFC 4151) for the event."""
    host = links.absolute("").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"tag:{host},{event.occurred_at:%Y-%m-%d}:catalogue/evenement/{event.pk}"


def event_title(event: PublicEvent) -> str:
    return f"{event.get_kind_display()} — {event.service_name}"


def event_text(event: PublicEvent) -> str:
    """The event in one or two French sentences (plain text)."""
    sentences = {
        EventKind.PUBLISHED: "Le service « {s} » (éditeur : {e}) est publié au catalogue.",
        EventKind.RENEWED: "Le référencement du service « {s} » (éditeur : {e}) est renouvelé.",
        EventKind.UPDATED: "La fiche du service « {s} » (éditeur : {e}) est mise à jour.",
        EventKind.SUSPENDED: "Le service « {s} » (éditeur : {e}) est suspendu du catalogue.",
        EventKind.REINSTATED: "Le service « {s} » (éditeur : {e}) est réintégré au catalogue.",
        EventKind.DEREFERENCED: "Le service « {s} » (éditeur : {e}) est déréférencé.",
    }
    text = sentences.get(event.kind, "{s} ({e})").format(s=event.service_name, e=event.editor_name)
    if event.decision_number:
        text += f" Décision n° {event.decision_number}."
    if event.motive:
        text += f" Motif : {event.motive}"
    return text


class CatalogueAtomFeed(Atom1Feed):
    """Atom with a link to the next, older page (RFC 5005) and a stable date when empty."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("next_url"):
            handler.addQuickElement("link", "", {"rel": "next", "href": self.feed["next_url"]})

    def latest_post_date(self):
        return super().latest_post_date() if self.items else EMPTY_FEED_DATE


class EventsAtomFeed(Feed):
    feed_type = CatalogueAtomFeed
    title = TITLE
    subtitle = DESCRIPTION
    author_name = AUTHOR
    language = "fr"

    def get_object(self, request):
        return events_page(request.GET.get("avant"))

    def link(self):
        return links.catalogue_url()

    def feed_url(self):
        return _feed_url("catalogue:feed-atom")

    def feed_guid(self):
        return _feed_url("catalogue:feed-atom")

    def feed_extra_kwargs(self, obj):
        return {"next_url": obj.next_url_atom}

    def items(self, obj):
        return obj.events

    def item_title(self, item):
        return event_title(item)

    def item_description(self, item):
        # Atom's summary is declared HTML: the plain text is escaped once more by the writer.
        return escape(event_text(item))

    def item_link(self, item):
        return event_link(item)

    def item_guid(self, item):
        return event_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.occurred_at

    def item_updateddate(self, item):
        return item.occurred_at

    def item_categories(self, item):
        return [item.kind]


_atom = EventsAtomFeed()


@require_safe
@public_cache
def feed_atom(request):
    response = _atom(request)
    response[OPEN_CORS[0]] = OPEN_CORS[1]
    return conditional_response(request, response, last_modified=catalogue_last_modified())


def json_feed(page: EventsPage) -> dict:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "description": DESCRIPTION,
        "home_page_url": links.catalogue_url(),
        "feed_url": _feed_url("catalogue:feed-json"),
        "language": "fr",
        "authors": [{"name": AUTHOR}],
        "items": [
            {
                "id": event_id(event),
                "url": event_link(event),
                "title": event_title(event),
                "content_text": event_text(event),
                "date_published": event.occurred_at.isoformat(),
                "tags": [event.kind],
                "_referencement": {
                    "evenement": event.kind,
                    "libelle": event.get_kind_display(),
                    "service": event.service_name,
                    "editeur": event.editor_name,
                    "motif": event.motive or None,
                    "decision": event.decision_number or None,
                    "identifiant": event.listing.slug,
                    "au_catalogue": event.listing.listed,
                },
            }
            for event in page.events
        ],
    }
    if page.next_url_json:
        document["next_url"] = page.next_url_json
    return document


@require_safe
@public_cache
def feed_json(request):
    page = events_page(request.GET.get("avant"))
    body = json.dumps(json_feed(page), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/feed+json; charset=utf-8")
    response[OPEN_CORS[0]] = OPEN_CORS[1]
    return conditional_response(request, response, last_modified=catalogue_last_modified())

"""A service's public history, read from the change feed's events (`PublicEvent`) less the card's
updates: referenced and published (with the decision's number), renewed (the new decision's),
suspended (with the public motive), reinstated, de-referenced (with its motive) — each dated,
and each with its decision's number: a suspension, reinstatement or de-referencing taken by a
person is a decision of its own (decisions/domain/measures.py; the portal's suspension at
expiry has none).

One source for the service's page, its tombstone, the API (`historique`), the open data's
history file and the feed (which lists every event, updates included).

- `listing_history(listing)`: its entries, oldest first (one query; none when the events were
  prefetched with `HISTORY_PREFETCH`, as the API's list does).
- `tombstone_for(slug)`: a de-referenced service — no longer listed, its last event a
  de-referencing — with when and why, or None (two queries: the listing, its events).
- `history_rows()`: every entry of every service, for the open data (one query).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from ..enums import HISTORY_EVENT_KINDS, EventKind
from ..models import Listing, PublicEvent


@dataclass(frozen=True)
class HistoryEntry:
    kind: str
    label: str
    occurred_at: datetime
    decision_number: str
    motive: str

    @classmethod
    def of(cls, event: PublicEvent) -> "HistoryEntry":
        return cls(
            kind=event.kind,
            label=str(EventKind(event.kind).label),
            occurred_at=event.occurred_at,
            decision_number=event.decision_number,
            motive=event.motive,
        )

    @property
    def tone(self) -> str:
        """The DSFR badge variant of the event."""
        return {
            EventKind.PUBLISHED: "success",
            EventKind.RENEWED: "success",
            EventKind.REINSTATED: "info",
            EventKind.SUSPENDED: "warning",
            EventKind.DEREFERENCED: "error",
        }.get(self.kind, "info")


def history_events() -> QuerySet[PublicEvent]:
    return (
        PublicEvent.objects.filter(kind__in=HISTORY_EVENT_KINDS)
        .only(
            "listing_id",
            "kind",
            "occurred_at",
            "decision_number",
            "motive",
            "service_name",
            "editor_name",
        )
        .order_by("occurred_at", "pk")
    )


#: For a list of listings: their history in one more query (`listing.history_events`).
HISTORY_PREFETCH = Prefetch("events", queryset=history_events(), to_attr="history_events")


def listing_history(listing: Listing) -> list[HistoryEntry]:
    events = getattr(listing, "history_events", None)
    if events is None:
        events = history_events().filter(listing=listing)
    return [HistoryEntry.of(event) for event in events]


@dataclass(frozen=True)
class Tombstone:
    """What the address of a de-referenced service still says."""

    listing: Listing
    service_name: str
    editor_name: str
    dereferenced_at: datetime
    motive: str
    history: list[HistoryEntry]

    @property
    def decision_number(self) -> str:
        """The number of the decision that had referenced the service (the latest one)."""
        referencing = (EventKind.PUBLISHED, EventKind.RENEWED)
        numbers = [e.decision_number for e in self.history if e.kind in referencing]
        numbers = [n for n in numbers if n]
        return numbers[-1] if numbers else ""

    @property
    def dereferencing_number(self) -> str:
        """The number of the de-referencing decision (empty for one recorded before they were
        decisions)."""
        return self.history[-1].decision_number if self.history else ""


def tombstone_for(slug: str) -> Tombstone | None:
    listing = Listing.objects.filter(slug=slug, listed=False).only("pk", "slug").first()
    if listing is None:
        return None
    events = list(history_events().filter(listing=listing))
    if not events or events[-1].kind != EventKind.DEREFERENCED:
        return None  # suspended, or never shown: nothing public to say
    last = events[-1]
    return Tombstone(
        listing=listing,
        service_name=last.service_name,
        editor_name=last.editor_name,
        dereferenced_at=last.occurred_at,
        motive=last.motive,
        history=[HistoryEntry.of(event) for event in events],
    )


def history_rows() -> list[tuple[str, PublicEvent]]:
    """(service's identifier, event) for every history event of every service, oldest first."""
    events = (
        PublicEvent.objects.filter(kind__in=HISTORY_EVENT_KINDS)
        .select_related("listing")
        .only(
            "kind",
            "occurred_at",
            "decision_number",
            "motive",
            "service_name",
            "editor_name",
            "listing__slug",
            "listing__listed",
        )
        .order_by("occurred_at", "pk")
    )
    return [(event.listing.slug, event) for event in events]

"""Listings for the catalogue's tests.

`published()` brings one dossier to `published` through the real services (decision, card,
publication: ≈ 1 s). `extra_listing()` adds more listed services cheaply for search and filter
tests: its own service and approved card, the referencing of an existing published dossier, and
the listing written by the publication code itself (`_write_card`: facets, search text, vector).
"""

from django.utils import timezone

from applications.enums import DossierState
from catalogue.domain import publication
from catalogue.enums import CardState
from catalogue.models import Card, Listing
from tests.factories.dossiers import ServiceFactory, dossier_in_state

CARD_DEFAULTS = {
    "editor_public_name": "Éditeur de test",
    "short_description": "Un service de test.",
    "long_description": "Description détaillée.",
    "themes": ["prevention"],
    "regions": ["FR"],
    "platforms": [{"platform": "web", "url": "https://service.example/"}],
    "price_model": "free",
    "accessibility": "partial",
    "accessibility_url": "https://service.example/accessibilite",
    "data_exchange": [],
}


def published():
    """(dossier, cast, listing) of a dossier published by the real services."""
    dossier, cast = dossier_in_state(DossierState.PUBLISHED)
    return dossier, cast, Listing.objects.get(service=dossier.service)


def extra_listing(base: Listing, *, name: str, listed: bool = True, **card) -> Listing:
    service = ServiceFactory(name=name)
    card = Card.objects.create(
        service=service,
        version=1,
        state=CardState.APPROVED,
        name=name,
        created_by=base.card.created_by,
        **{**CARD_DEFAULTS, **card},
    )
    now = timezone.now()
    listing = Listing(
        service=service,
        dossier=base.dossier,
        decision=base.decision,
        slug=publication._free_slug(name),
        listed=listed,
        referenced_on=base.referenced_on,
        referential_version=base.referential_version,
        first_published_at=now,
        updated_at=now,
        card=card,
    )
    publication._write_card(listing, card)
    return listing

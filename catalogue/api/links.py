"""Absolute public addresses, built from PORTAL_BASE_URL and never from the request's Host: the
public cache keeps responses whatever the Host header, so nothing in them may depend on it."""

from django.conf import settings
from django.urls import reverse

from ..models import Card, Listing


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def service_page_url(listing: Listing) -> str:
    return absolute(reverse("catalogue:detail", args=[listing.slug]))


def catalogue_url() -> str:
    return absolute(reverse("catalogue:list"))


def service_api_url(listing: Listing) -> str:
    return absolute(reverse("api:services-detail", args=[listing.slug]))


def logo_url(card: Card) -> str | None:
    if not card.logo_id:
        return None
    return absolute(reverse("catalogue:logo", args=[card.logo_id, card.logo.extension]))


def decision_pdf_url(listing: Listing) -> str | None:
    """The signed decision's public PDF, once it exists (catalogue:decision answers 404 before)."""
    if not listing.decision.pdf:
        return None
    return absolute(reverse("catalogue:decision", args=[listing.slug]))

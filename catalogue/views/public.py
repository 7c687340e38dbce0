"""The public catalogue: no login, only listed services, every filter in the URL.

The list and detail pages are the same for every anonymous visitor: `@public_cache` lets
portal/public_cache.py answer them from memory until the next publication change. The detail
page shows the service's public history (catalogue/domain/history.py) and links to the form that
reports a problem (views/reports.py, never cached); a de-referenced service's address answers
410 Gone with its tombstone: when and why (it is in no list, search or sitemap)."""

import base64
import hashlib
import json
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.files import private_file_response
from portal.middleware import CSP
from portal.public_cache import public_cache

from ..domain.history import listing_history, tombstone_for
from ..domain.publication import listing_for_public
from ..domain.search import FILTERS, Criteria, listings_search
from ..enums import Accessibility, MesApi, Platform, PriceModel, Region, Sort, Theme
from ..models import Logo

#: A logo's address holds its SHA-256: the same address always serves the same bytes.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Public pages: browsers and proxies may keep them briefly (a suspension shows within a minute
#: at most there; the portal itself serves the change at once).
PUBLIC_MAX_AGE = "public, max-age=60"

FILTER_CHOICES = {
    "region": Region,
    "theme": Theme,
    "plateforme": Platform,
    "prix": PriceModel,
    "echange": MesApi,
}
FILTER_LABELS = {
    "region": gettext_lazy("Région"),
    "theme": gettext_lazy("Thématique"),
    "plateforme": gettext_lazy("Plateforme"),
    "prix": gettext_lazy("Modèle économique"),
    "echange": gettext_lazy("Échange de données avec Mon espace santé"),
}


def _filter_groups(criteria: Criteria) -> list[dict]:
    groups = []
    for name in FILTERS:
        chosen = set(criteria.filters.get(name, ()))
        options = [
            {"value": value, "label": str(label), "checked": value in chosen}
            for value, label in FILTER_CHOICES[name].choices
        ]
        if name == "echange":
            options = [
                {"value": "oui", "label": _("Oui, au moins une API"), "checked": "oui" in chosen},
                {"value": "non", "label": _("Aucun échange"), "checked": "non" in chosen},
                *options,
            ]
        groups.append({"name": name, "label": str(FILTER_LABELS[name]), "options": options})
    return groups


@lru_cache(maxsize=256)
def _filters_html(language: str, chosen: tuple) -> str:
    """The filters' fieldsets: the same for every visitor who chose the same values, so rendered
    once per process (they are most of the page's template work)."""
    criteria = Criteria(filters=dict(chosen))
    return render_to_string("catalogue/_filters.html", {"filter_groups": _filter_groups(criteria)})


def _active_chips(criteria: Criteria) -> list[dict]:
    """One removable tag per active filter value, each linking to the list without it."""
    pairs = criteria.as_query()
    chips = []
    labels = {
        name: dict(FILTER_CHOICES[name].choices)
        | {"oui": _("Avec échange"), "non": _("Sans échange")}
        for name in FILTERS
    }
    for i, (name, value) in enumerate(pairs):
        if name == "tri":
            continue
        rest = pairs[:i] + pairs[i + 1 :]
        label = f"« {value} »" if name == "q" else str(labels[name].get(value, value))
        chips.append({"label": label, "href": "?" + urlencode(rest) if rest else "?"})
    return chips


@require_safe
@public_cache
def catalogue_list(request):
    criteria = Criteria.from_query(request.GET)
    paginator = Paginator(listings_search(criteria), settings.CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode(criteria.as_query())
    response = render(
        request,
        "catalogue/list.html",
        {
            "criteria": criteria,
            "page": page,
            "listings": list(page.object_list),
            "filters_html": mark_safe(  # noqa: S308 - our own template's output
                _filters_html(get_language(), tuple(sorted(criteria.filters.items())))
            ),
            "chips": _active_chips(criteria),
            "sorts": Sort.choices,
            "query": f"{query}&" if query else "",
            "canonical": _absolute(reverse("catalogue:list") + (f"?{query}" if query else "")),
        },
    )
    response["Cache-Control"] = PUBLIC_MAX_AGE
    return response


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _json_ld(listing) -> dict:
    card = listing.card
    platforms = [p["platform"] for p in card.platforms]
    mobile = any(p in ("ios", "android") for p in platforms)
    data = {
        "@context": "https://schema.org",
        "@type": "MobileApplication" if mobile else "SoftwareApplication",
        "name": card.name,
        "description": card.short_description,
        "applicationCategory": "HealthApplication",
        "url": _absolute(reverse("catalogue:detail", args=[listing.slug])),
        "author": {"@type": "Organization", "name": card.editor_public_name},
        "operatingSystem": ", ".join(
            {"ios": "iOS", "android": "Android", "web": "Web"}[p] for p in platforms
        )
        or "Web",
        "datePublished": listing.first_published_at.date().isoformat(),
        "dateModified": listing.updated_at.date().isoformat(),
    }
    if card.price_model == PriceModel.FREE:
        data["offers"] = {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}
    if card.logo_id:
        data["image"] = _absolute(
            reverse("catalogue:logo", args=[card.logo_id, card.logo.extension])
        )
    return data


def json_ld_script(data: dict) -> tuple[str, str]:
    """The `<script type="application/ld+json">` body (safe inside HTML) and its CSP hash."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    return body, f"'sha256-{digest}'"


@require_safe
@public_cache
def listing_detail(request, slug):
    listing = listing_for_public(slug)
    if listing is None:
        return _tombstone(request, slug)
    card = listing.card
    json_ld, script_hash = json_ld_script(_json_ld(listing))
    platforms = dict(Platform.choices)
    response = render(
        request,
        "catalogue/detail.html",
        {
            "listing": listing,
            "card": card,
            "themes": [label for value, label in Theme.choices if value in card.themes],
            "regions": [label for value, label in Region.choices if value in card.regions],
            "platforms": [
                {"label": platforms.get(p["platform"], p["platform"]), "url": p["url"]}
                for p in card.platforms
            ],
            "apis": [label for value, label in MesApi.choices if value in card.data_exchange],
            "accessibility": Accessibility(card.accessibility).label,
            "price": PriceModel(card.price_model).label if card.price_model else "",
            "history": listing_history(listing),
            "json_ld": json_ld,
            "canonical": _absolute(reverse("catalogue:detail", args=[listing.slug])),
        },
    )
    # The structured data is the page's only inline script, allowed by its hash alone.
    response["Content-Security-Policy"] = CSP.replace(
        "script-src 'self'", f"script-src 'self' {script_hash}", 1
    )
    response["Cache-Control"] = PUBLIC_MAX_AGE
    return response


def _tombstone(request, slug):
    """410 Gone for a de-referenced service, with when and why; 404 for anything else."""
    tombstone = tombstone_for(slug)
    if tombstone is None:
        raise Http404
    response = render(request, "catalogue/tombstone.html", {"tombstone": tombstone}, status=410)
    response["Cache-Control"] = PUBLIC_MAX_AGE
    return response


@require_safe
def listing_decision(request, slug):
    """The referencing decision of a listed service, signed PDF, for anyone."""
    listing = listing_for_public(slug)
    if listing is None or not listing.decision.pdf:
        raise Http404
    response = private_file_response(
        listing.decision.pdf,
        filename=f"decision-{listing.decision.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def logo(request, sha256, ext):
    item = get_object_or_404(Logo.objects.only("content", "content_type"), sha256=sha256)
    if item.extension != ext:
        raise Http404
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Cache-Control"] = IMMUTABLE
    response["ETag"] = f'"{sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


#: Robots may read the public pages; the rest of the portal is private (and answers 302 or 404).
ROBOTS = """User-agent: *
Allow: /catalogue/
Allow: /api/v1/
Disallow: /
Sitemap: {base}/sitemap.xml
"""


@require_safe
def robots_txt(request):
    response = HttpResponse(
        ROBOTS.format(base=settings.PORTAL_BASE_URL.rstrip("/")), content_type="text/plain"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response

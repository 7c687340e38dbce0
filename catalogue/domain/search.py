"""Finding listed services: the filters of the catalogue (and of the API), the French full-text
search, the sort. One place for all of them, whatever the page.

Filters match `Listing.facet_keys` ("|region:BRE|theme:sleep|…|", written at publication): a
`contains` that works on every database; with at most a few thousand listed services the cost is
that of reading the listed rows' index. Search: on PostgreSQL a `SearchVector` under the
`french_unaccent` configuration (French stemming after `unaccent`, migration 0002) ranked by
`SearchRank`; on SQLite every word must appear in the accent-free `search_text`.
"""

import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

from ..enums import MesApi, Platform, PriceModel, Region, Sort, Theme
from ..models import Listing

SEARCH_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200

#: Filter name in the URL -> (facet prefix, allowed values).
FILTERS: dict[str, tuple[str, type]] = {
    "region": ("region", Region),
    "theme": ("theme", Theme),
    "plateforme": ("platform", Platform),
    "prix": ("price", PriceModel),
    "echange": ("api", MesApi),
}
#: The data-exchange filter also takes "oui" / "non" (any API / none).
EXCHANGE_ANY = "oui"
EXCHANGE_NONE = "non"


def fold(text: str) -> str:
    """Lower case without accents: "Santé Île" -> "sante ile"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def facet(prefix: str, value: str) -> str:
    return f"|{prefix}:{value}|"


@dataclass(frozen=True)
class Criteria:
    """What a visitor asked for, cleaned: unknown values are dropped, never an error page."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""

    @classmethod
    def from_query(cls, params) -> "Criteria":
        q = " ".join((params.get("q") or "").split())[:MAX_QUERY_LENGTH]
        filters = {}
        for name, (_prefix, choices) in FILTERS.items():
            allowed = set(choices.values)
            if name == "echange":
                allowed |= {EXCHANGE_ANY, EXCHANGE_NONE}
            values = tuple(sorted({v for v in params.getlist(name) if v in allowed}))
            if values:
                filters[name] = values
        sort = params.get("tri") or ""
        if sort not in Sort.values:
            sort = ""
        return cls(q=q, filters=filters, sort=sort or (Sort.RELEVANCE if q else Sort.NAME))

    @property
    def active(self) -> bool:
        return bool(self.q or self.filters)

    def as_query(self) -> list[tuple[str, str]]:
        """The canonical query string's pairs (stable order: the cache key and the links)."""
        pairs = [("q", self.q)] if self.q else []
        for name in FILTERS:
            pairs += [(name, v) for v in self.filters.get(name, ())]
        default = Sort.RELEVANCE if self.q else Sort.NAME
        if self.sort and self.sort != default:
            pairs.append(("tri", self.sort))
        return pairs


def _filter_q(name: str, values: tuple[str, ...]) -> Q:
    prefix, _choices = FILTERS[name]
    condition = Q()
    for value in values:
        if name == "echange" and value == EXCHANGE_ANY:
            condition |= Q(facet_keys__contains="|exchange:yes|")
        elif name == "echange" and value == EXCHANGE_NONE:
            condition |= Q(facet_keys__contains="|exchange:no|")
        elif name == "region" and value != Region.ALL:
            # A service offered in all of France is offered in every region.
            condition |= Q(facet_keys__contains=facet(prefix, value)) | Q(
                facet_keys__contains=facet(prefix, Region.ALL)
            )
        else:
            condition |= Q(facet_keys__contains=facet(prefix, value))
    return condition


def listings_search(criteria: Criteria, queryset: QuerySet | None = None) -> QuerySet:
    """Listed services matching `criteria`, sorted (values of different filters combine with
    AND, values of one filter with OR)."""
    qs = (Listing.objects.listed() if queryset is None else queryset).select_related(
        "card", "card__logo"
    )
    qs = qs.defer("card__logo__content", "search_text", "search_vector", "facet_keys")
    for name, values in criteria.filters.items():
        qs = qs.filter(_filter_q(name, values))
    ranked = False
    if criteria.q:
        if connection.vendor == "postgresql":
            query = SearchQuery(criteria.q, search_type="websearch", config=SEARCH_CONFIG)
            qs = qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
            ranked = True
        else:
            for word in fold(criteria.q).split():
                qs = qs.filter(search_text__contains=word)
    if criteria.sort == Sort.RECENT:
        return qs.order_by("-referenced_on", "sort_name", "pk")
    if criteria.sort == Sort.RELEVANCE and ranked:
        return qs.order_by("-rank", "sort_name", "pk")
    return qs.order_by("sort_name", "pk")

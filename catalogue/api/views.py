"""The open API's views: the listed services (list and detail) and the OpenAPI description.

Anonymous and read-only (REST_FRAMEWORK in portal/settings.py). Each 200 response carries an
`ETag` (its body's hash) and a `Last-Modified`, and a matching `If-None-Match` or
`If-Modified-Since` gets a 304 (catalogue/api/conditional.py); the URLs wrap the views in
`@public_cache`, so identical anonymous requests are answered from memory until the next
publication change.

Queries per list page, whatever the number of services: the catalogue's last change, the count,
the page (listing, card, logo and decision joined), the page's history events.

A de-referenced service's detail answers 410 Gone with when and why (its tombstone,
catalogue/domain/history.py), as its public page does."""

from urllib.parse import urlsplit

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ..domain.history import HISTORY_PREFETCH, Tombstone, tombstone_for
from ..domain.publication import listing_for_public
from ..models import Listing
from .conditional import OPEN_CORS, catalogue_last_modified, conditional_response
from .filters import ServiceFilterSet
from .links import absolute
from .serializers import (
    ErreurSerializer,
    ServiceDereferenceSerializer,
    ServiceSerializer,
    history_data,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        str,
        OpenApiParameter.HEADER,
        description=_("L'`ETag` d'une réponse précédente : 304 si rien n'a changé."),
    ),
    OpenApiParameter(
        "If-Modified-Since",
        str,
        OpenApiParameter.HEADER,
        description=_(
            "La date `Last-Modified` d'une réponse précédente : 304 si rien n'a changé "
            "depuis (ignoré quand `If-None-Match` est donné)."
        ),
    ),
]
NOT_MODIFIED = OpenApiResponse(description=_("Inchangé depuis la réponse que désigne la requête."))
THROTTLED = OpenApiResponse(
    ErreurSerializer,
    description=_("Trop de requêtes : réessayez après le délai de l'en-tête `Retry-After`."),
)


class ServicePagination(PageNumberPagination):
    """`page` (from 1) and `taille` (services per page, 20 by default, 100 at most); links
    built from PORTAL_BASE_URL, never from the request's Host (see links.py)."""

    page_size = PAGE_SIZE
    page_size_query_param = "taille"
    page_size_query_description = format_lazy(
        _("Nombre de services par page ({default} par défaut, {max} au plus)."),
        default=PAGE_SIZE,
        max=MAX_PAGE_SIZE,
    )
    page_query_description = _("Numéro de la page, à partir de 1.")
    max_page_size = MAX_PAGE_SIZE

    def get_paginated_response_schema(self, schema):
        page = absolute("/api/v1/services/?page=")
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": str(_("Nombre de services trouvés, toutes pages comprises.")),
                    "example": 42,
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("Page suivante (null sur la dernière).")),
                    "example": f"{page}3",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("Page précédente (null sur la première).")),
                    "example": f"{page}1",
                },
                "results": {**schema, "description": str(_("Les services de la page."))},
            },
        }

    def get_next_link(self):
        return _portal_link(super().get_next_link())

    def get_previous_link(self):
        return _portal_link(super().get_previous_link())


def _portal_link(url: str | None) -> str | None:
    """DRF's link, with PORTAL_BASE_URL in place of the request's scheme and host."""
    if url is None:
        return None
    parts = urlsplit(url)
    return absolute(parts.path + (f"?{parts.query}" if parts.query else ""))


class ConditionalGetMixin:
    """Validators and 304s on the rendered response (see the module's docstring)."""

    def last_modified(self):
        return catalogue_last_modified()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response[OPEN_CORS[0]] = OPEN_CORS[1]
        if response.status_code != 200:
            return response
        response.render()
        return conditional_response(request, response, last_modified=self.last_modified())


@extend_schema(
    tags=["services"],
    summary=_("Lister les services référencés"),
    description=_(
        "Les services publiés au catalogue, avec les filtres et la recherche de la page "
        "publique /catalogue/, par pages de 20 (paramètre `taille` : 100 au plus)."
    ),
    parameters=CONDITIONAL_HEADERS,
    responses={
        200: OpenApiResponse(ServiceSerializer(many=True), description=_("Une page de services.")),
        304: NOT_MODIFIED,
        400: OpenApiResponse(
            description=_("Un paramètre a une valeur inconnue (le message dit lequel).")
        ),
        404: OpenApiResponse(ErreurSerializer, description=_("Cette page n'existe pas.")),
        429: THROTTLED,
    },
)
class ServiceList(ConditionalGetMixin, generics.ListAPIView):
    serializer_class = ServiceSerializer
    pagination_class = ServicePagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ServiceFilterSet

    def get_queryset(self):
        # Listed only; ServiceFilterSet adds the filters, the search and the sort.
        return (
            Listing.objects.listed().select_related("decision").prefetch_related(HISTORY_PREFETCH)
        )


@extend_schema(
    tags=["services"],
    summary=_("Lire un service référencé"),
    description=_(
        "Un service publié au catalogue, avec son historique. Un service déréférencé répond "
        "410 avec la date et le motif de son déréférencement ; un service suspendu ou inconnu "
        "répond 404."
    ),
    parameters=[
        OpenApiParameter(
            "slug", str, OpenApiParameter.PATH, description=_("Identifiant du service.")
        ),
        *CONDITIONAL_HEADERS,
    ],
    responses={
        200: OpenApiResponse(ServiceSerializer, description=_("Le service.")),
        304: NOT_MODIFIED,
        404: OpenApiResponse(ErreurSerializer, description=_("Aucun service publié à ce nom.")),
        410: OpenApiResponse(
            ServiceDereferenceSerializer, description=_("Le service a été déréférencé.")
        ),
        429: THROTTLED,
    },
)
class ServiceDetail(ConditionalGetMixin, generics.RetrieveAPIView):
    serializer_class = ServiceSerializer
    queryset = Listing.objects.none()  # for the schema; get_object reads the listed one

    def get_object(self):
        listing = listing_for_public(self.kwargs["slug"])
        if listing is None:
            raise Http404
        self._listing = listing
        return listing

    def retrieve(self, request, *args, **kwargs):
        slug = self.kwargs["slug"]
        listing = listing_for_public(slug)
        if listing is None:
            tombstone = tombstone_for(slug)
            if tombstone is None:
                raise Http404
            return Response(tombstone_data(tombstone), status=410)
        self._listing = listing
        return Response(self.get_serializer(listing).data)

    def last_modified(self):
        return self._listing.updated_at


def tombstone_data(tombstone: Tombstone) -> dict:
    """The facts of a de-referenced service, as its 410 answer gives them."""
    return {
        "detail": str(
            _("Ce service a été déréférencé le %(date)s : il n'est plus au catalogue.")
            % {"date": date_format(timezone.localtime(tombstone.dereferenced_at), "j F Y")}
        ),
        "identifiant": tombstone.listing.slug,
        "nom": tombstone.service_name,
        "editeur": tombstone.editor_name,
        "dereference_le": timezone.localtime(tombstone.dereferenced_at).isoformat(),
        "motif": tombstone.motive or None,
        "decision": tombstone.decision_number or None,
        "historique": history_data(tombstone.history),
    }


def not_found(request, rest=""):
    """Any other address under /api/v1/: a JSON 404, like the API's own."""
    response = JsonResponse({"detail": str(_("Aucune ressource à cette adresse."))}, status=404)
    response[OPEN_CORS[0]] = OPEN_CORS[1]
    return response

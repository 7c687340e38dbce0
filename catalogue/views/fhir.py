"""The FHIR R4 view of the catalogue (/api/fhir/): anonymous, read-only, `application/fhir+json`.

- `GET metadata`: the CapabilityStatement;
- `GET DeviceDefinition?name=…&identifier=…&_count=…`: a `searchset` Bundle of listed services;
- `GET DeviceDefinition/<id>`, `GET Organization/<id>`: a listed service, its editor;
- anything else, or a service that is not listed (suspended, de-referenced): 404 with an
  OperationOutcome.

Same rate limit as the API (catalogue/api/throttling.py), same validators and 304s
(catalogue/api/conditional.py), answered from memory by the public cache until the next
publication change. The resources themselves are built in catalogue/fhir.py."""

from importlib import import_module
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from portal.public_cache import public_cache

from ..api.conditional import OPEN_CORS, catalogue_last_modified, conditional_response
from ..api.throttling import throttled

#: catalogue/fhir.py, imported by the first request it answers: its fhir.resources (pydantic)
#: models weigh ≈ 12 MB of memory, which a web worker that never serves this view does not pay.
#: In production /api/fhir/ is served by the `web-fhir` pool with the sandbox's FHIR endpoints
#: (docker/nginx.conf), so the workers of `web` never pay it.
fhir = SimpleLazyObject(lambda: import_module("catalogue.fhir"))


def _response(resource, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(fhir.to_json(resource), content_type=fhir.FHIR_JSON, status=status)
    response[OPEN_CORS[0]] = OPEN_CORS[1]
    return response


def _outcome(status: int, code: str, diagnostics: str) -> HttpResponse:
    return _response(fhir.operation_outcome(code, diagnostics), status=status)


def _too_many(wait) -> HttpResponse:
    return _outcome(429, "throttled", "Trop de requêtes : réessayez dans quelques instants.")


def _not_found() -> HttpResponse:
    return _outcome(404, "not-found", "Aucune ressource publiée à cette adresse.")


def _unsupported_format(request) -> HttpResponse | None:
    """`_format` asks for XML (or anything but JSON): this server speaks JSON only."""
    wanted = request.GET.get("_format")
    if wanted and wanted not in ("json", fhir.FHIR_JSON, "application/json"):
        return _outcome(
            406, "not-supported", "Seul le format JSON (application/fhir+json) est servi."
        )
    return None


def _fhir_view(view):
    """GET/HEAD only, rate-limited, JSON only, kept by the public cache when it answers 200."""
    return require_safe(public_cache(throttled(_too_many)(view)))


@_fhir_view
def metadata(request):
    refused = _unsupported_format(request)
    if refused:
        return refused
    return conditional_response(request, _response(fhir.capability_statement()), last_modified=None)


def _count(request) -> int:
    try:
        count = int(request.GET.get("_count", fhir.DEFAULT_COUNT))
    except ValueError:
        count = fhir.DEFAULT_COUNT
    return max(0, min(count, fhir.MAX_COUNT))


def _offset(request) -> int:
    try:
        return max(0, int(request.GET.get("_offset", 0)))
    except ValueError:
        return 0


SEARCH_PARAMS = ("name", "name:contains", "name:exact", "identifier")


@_fhir_view
def device_definition_search(request):
    refused = _unsupported_format(request)
    if refused:
        return refused
    # Parameters this server does not know are ignored (FHIR's lenient handling); the self link
    # says which were applied.
    applied = [(k, v) for k in request.GET if k in SEARCH_PARAMS for v in request.GET.getlist(k)]
    qs = fhir.device_definitions_search(request.GET)
    count, offset = _count(request), _offset(request)
    total = qs.count()
    listings = list(qs[offset : offset + count]) if count else []
    base = f"{fhir.fhir_base()}/DeviceDefinition"
    page = [("_count", str(count))] + ([("_offset", str(offset))] if offset else [])
    self_url = f"{base}?{urlencode(applied + page)}"
    next_url = None
    if count and offset + count < total:
        following = [("_count", str(count)), ("_offset", str(offset + count))]
        next_url = f"{base}?{urlencode(applied + following)}"
    bundle = fhir.searchset(listings, total=total, self_url=self_url, next_url=next_url)
    return conditional_response(request, _response(bundle), last_modified=catalogue_last_modified())


@_fhir_view
def device_definition_read(request, resource_id):
    refused = _unsupported_format(request)
    if refused:
        return refused
    listing = fhir.listing_by_id(resource_id)
    if listing is None:
        return _not_found()
    return conditional_response(
        request, _response(fhir.device_definition(listing)), last_modified=listing.updated_at
    )


@_fhir_view
def organization_read(request, resource_id):
    refused = _unsupported_format(request)
    if refused:
        return refused
    listings = fhir.organisation_listings(resource_id)
    if not listings:
        return _not_found()
    # The catalogue's last change: one of its services leaving changes this resource too.
    return conditional_response(
        request, _response(fhir.organization(listings)), last_modified=catalogue_last_modified()
    )


@require_safe
def not_found(request, rest=""):
    return _not_found()

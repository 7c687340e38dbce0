"""Conditional GET for the public, read-only responses (API, open data, feeds, FHIR).

- `ETag`: the body's SHA-256, in the same form portal/public_cache.py gives the responses it
  keeps, so a validator obtained from either is recognised by both.
- `Last-Modified`: the latest change of the catalogue, `catalogue_last_modified()` — one
  aggregate over *every* listing, listed or not: each publication change (publication, card
  update, suspension, reinstatement, de-referencing) moves some listing's `updated_at` forward,
  so this date moves forward too, even when the changed service leaves the results.
- `If-None-Match` takes precedence over `If-Modified-Since` (RFC 9110), through Django's
  `get_conditional_response`.
"""

import hashlib
from datetime import datetime

from django.db.models import Max
from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from ..models import Listing

#: Browsers and proxies may keep a public response briefly (as the catalogue's pages); the
#: portal itself serves every change at once.
PUBLIC_MAX_AGE = "public, max-age=60"
#: Anyone may read these responses from any origin (no credentials): set on every response,
#: not only those to a request with `Origin`, because the public cache serves one stored
#: response to every client (django-cors-headers adds the header only when `Origin` is sent).
OPEN_CORS = ("Access-Control-Allow-Origin", "*")


def body_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def catalogue_last_modified() -> datetime | None:
    """The latest publication change of the whole catalogue (one query)."""
    return Listing.objects.aggregate(latest=Max("updated_at"))["latest"]


def conditional_response(
    request, response: HttpResponseBase, *, last_modified: datetime | None
) -> HttpResponseBase:
    """Give a rendered 200 response its validators, and answer 304 when the client's match."""
    response.setdefault("Cache-Control", PUBLIC_MAX_AGE)
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    etag = body_etag(response.content)
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        # Seconds, rounded down: never later than the response's own Date.
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)

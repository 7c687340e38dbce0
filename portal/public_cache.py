"""A cache in front of Django for the public pages that are the same for every visitor.

The public catalogue and its open API are read by millions and change a few times a day. A view
opts in with `@public_cache`; the WSGI wrapper `PublicCache` (portal/wsgi.py) then keeps the
response it produced, in the process's memory, and answers the next identical anonymous request
without running Django at all — a dictionary lookup and one Redis GET.

Correctness before speed:
- The key holds a *generation*, a random token in the shared cache (Redis) that
  `invalidate_on_commit()` replaces once a publication change commits: every process sees the
  new token on its next request, so a suspended service disappears at once everywhere. The
  token is read before the page is rendered, so a page rendered during a change is stored under
  the old token and never served after it.
- Only GET and HEAD, without a session cookie or an Authorization header, on the paths of
  `PUBLIC_CACHE_PREFIXES`; only 200 responses of views that opted in, that set no cookie and
  used no CSRF token (nobody's token is ever served to someone else).
- One copy per language: the key holds the language LocaleMiddleware will activate (the
  `django_language` cookie, else Accept-Language, else French — `request_language`), so a page
  rendered in French is never served to a visitor who reads English, nor the reverse.
- While Redis is down nothing is served from the cache: the processes could not agree on the
  generation. Without REDIS_URL (development) the token lives in the process's own cache.
- Bounded: at most `PUBLIC_CACHE_MAX_ENTRIES` responses of at most `PUBLIC_CACHE_MAX_BYTES`
  each per process, least recently used first out, none older than `PUBLIC_CACHE_TTL` seconds
  (the bound on staleness should a token's renewal itself fail).
- The token is read with one Redis client per process (a GET on a kept connection).
- Conditional GET: each kept response has a strong ETag (its body's hash); `If-None-Match`
  gets a 304, and so does `If-Modified-Since` when the view gave a `Last-Modified`.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps
from http.cookies import SimpleCookie

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http.cookie import parse_cookie
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language_from_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-cache:generation"
OPT_IN_HEADER = "X-Public-Cache"
#: Days a generation token stays in Redis (it is replaced on every publication change).
GENERATION_TIMEOUT = 30 * 24 * 3600


def public_cache(view):
    """Mark the view's responses as the same for every anonymous visitor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response[OPT_IN_HEADER] = "1"
        return response

    return wrapper


def _redis():
    """One Redis client per process for the generation (Django's cache builds a client object
    on every call, which costs more than the lookup it guards); None without REDIS_URL."""
    global _client, _client_url
    url = settings.REDIS_URL
    if not url:
        return None
    if _client is None or _client_url != url:
        _client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
        _client_url = url
    return _client


_client = None
_client_url = None


def generation() -> str | None:
    """The current token, or None when it cannot be read (Redis down): nothing is then served
    from memory, since the processes could not agree on it."""
    client = _redis()
    if client is None:  # development and tests without Redis: one process, its own cache
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, secrets.token_hex(8), GENERATION_TIMEOUT)
            token = cache.get(GENERATION_KEY)
        return token
    try:
        token = client.get(GENERATION_KEY)
        if token is None:
            client.set(GENERATION_KEY, secrets.token_hex(8), nx=True, ex=GENERATION_TIMEOUT)
            token = client.get(GENERATION_KEY)
    except (redis.RedisError, OSError):
        return None
    return token.decode() if token is not None else None


def invalidate() -> None:
    token = secrets.token_hex(8)
    client = _redis()
    if client is None:
        cache.set(GENERATION_KEY, token, GENERATION_TIMEOUT)
        return
    try:
        client.set(GENERATION_KEY, token, ex=GENERATION_TIMEOUT)
    except (redis.RedisError, OSError):
        # Kept responses still expire after PUBLIC_CACHE_TTL seconds.
        logger.exception("Cache des pages publiques : jeton non renouvelé (Redis injoignable).")


def invalidate_on_commit() -> None:
    """Replace the generation once the current transaction commits (at once outside one)."""
    transaction.on_commit(invalidate)


class _LanguageRequest:
    """What `get_language_from_request` reads of a request, taken from the WSGI environ."""

    def __init__(self, environ):
        self.META = environ
        self.COOKIES = parse_cookie(environ.get("HTTP_COOKIE", ""))


def request_language(environ) -> str:
    """The language Django will answer this request in: LocaleMiddleware's own rule
    (`get_language_from_request`, no language prefix in our URLs)."""
    return get_language_from_request(_LanguageRequest(environ))


class _Store:
    def __init__(self, max_entries: int, max_bytes: int, ttl: float):
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            expires, item = entry
            if expires < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item

    def put(self, key, item) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self.ttl, item)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class PublicCache:
    """WSGI wrapper: serves kept public responses; see the module's docstring."""

    def __init__(self, application):
        self.application = application
        self.prefixes = tuple(settings.PUBLIC_CACHE_PREFIXES)
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.store = _Store(
            settings.PUBLIC_CACHE_MAX_ENTRIES,
            settings.PUBLIC_CACHE_MAX_BYTES,
            settings.PUBLIC_CACHE_TTL,
        )

    def _cacheable_request(self, environ) -> bool:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if not environ.get("PATH_INFO", "").startswith(self.prefixes):
            return False
        if environ.get("HTTP_AUTHORIZATION"):
            return False
        cookies = environ.get("HTTP_COOKIE")
        if cookies and self.session_cookie in cookies:
            try:
                if self.session_cookie in SimpleCookie(cookies):
                    return False
            except Exception:  # an unparsable Cookie header: let Django deal with it
                return False
        return True

    def __call__(self, environ, start_response):
        if not self.prefixes or not self._cacheable_request(environ):
            return self.application(environ, start_response)
        token = generation()
        if token is None:
            return self.application(environ, start_response)
        key = (
            token,
            request_language(environ),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", "")[:100] if "/api/" in environ.get("PATH_INFO", "") else "",
        )
        item = self.store.get(key)
        if item is not None:
            return self._serve(item, environ, start_response)
        return self._render_and_keep(key, environ, start_response)

    def _serve(self, item, environ, start_response):
        status, headers, body, etag = item
        if _matches(environ.get("HTTP_IF_NONE_MATCH"), etag) or _not_modified_since(
            environ, headers
        ):
            kept = [(k, v) for k, v in headers if k.lower() not in _BODY_HEADERS]
            start_response("304 Not Modified", kept)
            return []
        start_response(status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _render_and_keep(self, key, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else _noop_write

        result = self.application(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured["status"], captured["headers"]
        opted_in = any(k == OPT_IN_HEADER for k, _v in headers)
        headers = [(k, v) for k, v in headers if k != OPT_IN_HEADER]
        keep = (
            opted_in
            and status.startswith("200")
            and environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not any(k.lower() == "set-cookie" for k, _v in headers)
            and len(body) <= self.store.max_bytes
        )
        if opted_in and status.startswith("200"):
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            if not any(k.lower() == "etag" for k, _v in headers):
                headers.append(("ETag", etag))
            else:
                etag = next(v for k, v in headers if k.lower() == "etag")
            if keep:
                self.store.put(key, (status, headers, body, etag))
            if _matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
                kept = [(k, v) for k, v in headers if k.lower() not in _BODY_HEADERS]
                start_response("304 Not Modified", kept)
                return []
        start_response(status, headers)
        return [body]


_BODY_HEADERS = {"content-length", "content-type", "content-encoding"}


def _noop_write(data):  # pragma: no cover - Django never uses the write() callable
    raise RuntimeError("write() is not supported behind PublicCache")


def _not_modified_since(environ, headers) -> bool:
    """`If-Modified-Since` (only without `If-None-Match`, RFC 9110 § 13.1.3) at or after the
    kept response's `Last-Modified`."""
    if environ.get("HTTP_IF_NONE_MATCH") or not environ.get("HTTP_IF_MODIFIED_SINCE"):
        return False
    last_modified = next((v for k, v in headers if k.lower() == "last-modified"), None)
    since = parse_http_date_safe(environ["HTTP_IF_MODIFIED_SINCE"])
    modified = parse_http_date_safe(last_modified) if last_modified else None
    return since is not None and modified is not None and modified <= since


def _matches(header: str | None, etag: str) -> bool:
    """`If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET)."""
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags

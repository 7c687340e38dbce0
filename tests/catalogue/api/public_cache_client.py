"""Requests through the WSGI stack as production serves it: `PublicCache` in front of Django.

The test client bypasses portal/public_cache.py (it calls Django's handler directly); these
helpers call the WSGI application with a crafted environ instead. Django closes the database
connection when a request finishes; inside the test's transaction that would end the test's
transaction, so — as the test client does — the connection is kept for the call."""

import io
from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from portal.public_cache import PublicCache


@contextmanager
def _connection_kept():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def public_cache_app() -> PublicCache:
    """A fresh cache (its own memory) in front of a fresh Django application."""
    return PublicCache(get_wsgi_application())


def wsgi_get(app, path: str, query: str = "", **headers) -> tuple[str, dict, bytes]:
    """(status line, headers by lower-case name, body) of an anonymous GET."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "wsgi.input": io.BytesIO(b""),
    }
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    setup_testing_defaults(environ)
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"], captured["headers"] = status, response_headers

    with _connection_kept():
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    return captured["status"], {k.lower(): v for k, v in captured["headers"]}, body

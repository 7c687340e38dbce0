"""The cache in front of Django for the public pages (portal/public_cache.py), driven through the
real WSGI application: a hit runs no query, a publication change is seen at the next request,
nothing personal is ever kept, and a Redis that is down switches it off."""

import io

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from catalogue.domain import publication
from portal.public_cache import PublicCache
from tests.catalogue.helpers import published
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db


def call(app, path, *, method="GET", query="", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return int(seen["status"].split()[0]), seen["headers"], body


@pytest.fixture
def app():
    """The project's WSGI stack; like Django's test client, it must not close the test's
    database connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield PublicCache(get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _queries(app, path, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = call(app, path, **kwargs)
    return status, headers, body, len(queries)


def test_a_second_identical_request_is_answered_without_django(app):
    dossier, cast, listing = published()
    status, headers, first, n = _queries(app, "/catalogue/")
    assert status == 200 and n > 0 and listing.card.name.encode() in first
    assert "X-Public-Cache" not in headers and headers["Content-Security-Policy"]
    status, headers2, second, n = _queries(app, "/catalogue/")
    assert (status, n, second) == (200, 0, first)
    assert headers2["ETag"] == headers["ETag"]
    # Another query string is another page.
    assert _queries(app, "/catalogue/", query="q=zzz")[3] > 0


def test_a_suspension_is_seen_at_the_next_request(app, django_capture_on_commit_callbacks):
    dossier, cast, listing = published()
    detail = f"/catalogue/services/{listing.slug}/"
    assert call(app, detail)[0] == 200 and call(app, detail)[0] == 200
    with django_capture_on_commit_callbacks(execute=True):
        publication.dossier_suspend(
            dossier=dossier, actor=cast.admin, comment="Contrôle.", **measure_fields("suspend")
        )
    assert call(app, detail)[0] == 404
    assert listing.card.name.encode() not in call(app, "/catalogue/")[2]


def test_conditional_get_answers_304(app):
    published()
    status, headers, body = call(app, "/catalogue/")
    status, headers304, body304 = call(app, "/catalogue/", if_none_match=headers["ETag"])
    assert (status, body304) == (304, b"")
    assert headers304["ETag"] == headers["ETag"]
    assert call(app, "/catalogue/", if_none_match='"other"')[0] == 200


def test_signed_in_visitors_posts_and_other_paths_go_to_django(app):
    published()
    call(app, "/catalogue/")
    assert _queries(app, "/catalogue/", cookie="sessionid=abc")[3] > 0
    assert _queries(app, "/catalogue/", authorization="Bearer x")[3] > 0
    assert call(app, "/catalogue/", method="POST")[0] == 403  # CSRF check: Django ran
    assert _queries(app, "/catalogue/", cookie="csrftoken=x; theme=dark")[3] == 0


def test_only_pages_that_opted_in_and_succeeded_are_kept(app):
    assert _queries(app, "/catalogue/services/absent/")[0] == 404
    assert _queries(app, "/catalogue/services/absent/")[3] > 0  # a 404 is not kept
    _queries(app, "/")
    assert _queries(app, "/")[3] >= 0  # the home page is not under a public prefix
    assert not any(key[2] == "/" for key in app.store._items)  # (generation, language, path…)


def test_nothing_is_served_from_memory_while_redis_is_down(app, settings):
    published()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    for _ in range(2):
        status, headers, body, n = _queries(app, "/catalogue/")
        assert status == 200 and n > 0


def test_kept_responses_expire(app):
    published()
    app.store.ttl = 0
    call(app, "/catalogue/")
    assert _queries(app, "/catalogue/")[3] > 0


def test_the_store_is_bounded(app, settings):
    published()
    app.store.max_entries = 3
    for i in range(6):
        call(app, "/catalogue/", query=f"q=x{i}")
    assert len(app.store._items) == 3


def test_files_pass_through_unchanged(app, private_storage):
    from decisions.domain.documents import decision_render
    from portal.signing import verify_pdf

    dossier, cast, listing = published()
    decision = decision_render(decision_id=listing.decision_id)
    status, headers, body = call(app, f"/catalogue/services/{listing.slug}/decision.pdf")
    assert status == 200 and body == decision.pdf.open("rb").read()
    assert [report.ok for report in verify_pdf(body)] == [True]


def test_if_modified_since_answers_304_from_memory(app):
    published()
    status, headers, body = call(app, "/api/v1/services/")
    assert status == 200 and headers.get("Last-Modified")
    assert call(app, "/api/v1/services/", if_modified_since=headers["Last-Modified"])[0] == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert call(app, "/api/v1/services/", if_modified_since=older)[0] == 200

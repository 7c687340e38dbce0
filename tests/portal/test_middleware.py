"""Security headers: browser features denied everywhere, signed-in pages never cached; the
anonymous home and login page answered from memory, each visitor with their own CSRF token."""

import re

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.middleware import _without_tokens, forget_kept_pages
from tests.factories import OrganisationFactory
from tests.factories.people import TEST_PASSWORD, editor, staff_user

pytestmark = pytest.mark.django_db


def test_every_page_denies_unused_browser_features(client):
    response = client.get(reverse("account_login"))

    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.parametrize("name", ["home", "account_email"])
def test_signed_in_pages_are_private_and_not_stored(client, name):
    client.force_login(editor(OrganisationFactory()))

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_staff_redirects_are_not_stored_either(client):
    client.force_login_password_only(staff_user("instructor"))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"


def test_anonymous_pages_are_not_marked_private(client):
    response = client.get(reverse("home"))

    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_favicon_points_at_the_state_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith(".ico") and "dsfr/dist/favicon/favicon" in response.url


# ---------------------------------------------------------------------------------------------
# The anonymous home and login page, answered from memory
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_page_kept_yet():
    forget_kept_pages()  # pages kept by earlier tests of the same process
    yield
    forget_kept_pages()


def _form_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.parametrize("name", ["home", "account_login"])
def test_anonymous_page_is_rendered_once_then_answered_from_memory(name):
    first, second = Client(), Client()

    rendered = first.get(reverse(name))
    kept = second.get(reverse(name))

    assert rendered.templates and not kept.templates  # no template rendered the second time
    assert kept.status_code == 200
    assert _without_token(kept.content) == _without_token(rendered.content)
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"):
        assert kept.headers[header] == rendered.headers[header], header
    assert _vary(kept) == _vary(rendered) == {"accept-language", "cookie"}  # in any order
    assert kept.headers.get("Cache-Control") == rendered.headers.get("Cache-Control")


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers["Vary"].split(",")}


def _without_token(content: bytes) -> bytes:
    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", content)


def test_login_page_from_memory_carries_each_visitors_own_token_and_works():
    Client().get(reverse("account_login"))  # kept
    person = editor(OrganisationFactory())
    tokens = {}
    for visitor in ("a", "b"):
        browser = Client(enforce_csrf_checks=True)
        response = browser.get(reverse("account_login"))
        assert not response.templates
        token = _form_token(response)
        secret = browser.cookies[settings.CSRF_COOKIE_NAME].value
        assert _unmask_cipher_token(token) == secret  # their own, with their own cookie
        tokens[visitor] = (token, secret)
        signed_in = browser.post(
            reverse("account_login"),
            {"login": person.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert signed_in.status_code == 302
    assert tokens["a"] != tokens["b"]


@pytest.mark.parametrize(
    "visit",
    [
        pytest.param(lambda c: c.get(reverse("home"), {"x": "1"}), id="query-string"),
        pytest.param(lambda c: c.get(reverse("account_login"), {"next": "/dossiers/"}), id="next"),
        pytest.param(
            lambda c: (c.cookies.load({"messages": "x"}), c.get(reverse("home")))[1],
            id="message-cookie",
        ),
        pytest.param(
            lambda c: (c.cookies.load({"sessionid": "x"}), c.get(reverse("home")))[1],
            id="session-cookie",
        ),
    ],
)
def test_pages_are_never_answered_from_memory_to_other_requests(visit):
    Client().get(reverse("home"))
    Client().get(reverse("account_login"))

    response = visit(Client())

    assert response.status_code == 200 and response.templates


def test_signed_in_home_is_never_the_kept_anonymous_page(client):
    Client().get(reverse("home"))
    client.force_login(editor(OrganisationFactory()))

    response = client.get(reverse("home"))

    assert response.templates and "Mes dossiers" in response.content.decode()
    assert response.headers["Cache-Control"] == "private, no-store"


def test_nothing_is_kept_while_debug_is_on(settings):
    settings.DEBUG = True
    Client().get(reverse("home"))

    assert Client().get(reverse("home")).templates


def test_a_token_hidden_in_a_longer_run_is_found_and_the_secret_refused():
    request = RequestFactory().get("/")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]

    body, count = _without_tokens(b"<p>xx" + token.encode() + b"yy</p>", secret)
    assert count == 1 and token.encode() not in body

    assert _without_tokens(b"<p>" + secret.encode() + b"</p>", secret) is None

"""English is reachable: LocaleMiddleware, the header's language selector (a POST form to
set_language, without JavaScript), and the caches of anonymous pages keyed on the language, so
that a page kept in French is never served to an English request, nor the reverse."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.middleware import forget_kept_pages
from tests.catalogue.helpers import published
from tests.portal.test_middleware import _vary
from tests.portal.test_public_cache import _queries, app  # noqa: F401  (the WSGI fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_kept_yet():
    forget_kept_pages()
    yield
    forget_kept_pages()


def _lang(response_or_body) -> str:
    body = getattr(response_or_body, "content", response_or_body)
    return re.search(rb'<html lang="([a-z-]+)"', body)[1].decode()


def test_languages_are_french_first_then_english():
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.LANGUAGES == [("fr", "Français"), ("en", "English")]
    middleware = settings.MIDDLEWARE
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")
    assert locale < middleware.index("portal.middleware.AnonymousPageCacheMiddleware")


def test_french_by_default_english_on_request():
    assert _lang(Client().get(reverse("home"))) == "fr"
    assert _lang(Client().get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")) == "fr"
    english = Client().get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert _lang(english) == "en" and english.headers["Content-Language"] == "en"
    assert "Accept-Language" in english.headers["Vary"]


def test_the_selector_posts_to_set_language_without_a_token_and_keeps_the_page():
    browser = Client(enforce_csrf_checks=True)
    html = browser.get("/catalogue/?q=sommeil").content.decode()
    selector = html.split('class="fr-translate fr-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'<form method="post" action="{reverse("set_language")}">' in selector
    assert 'name="next" value="/catalogue/?q=sommeil"' in selector
    assert 'value="en" class="fr-translate__language fr-nav__link" lang="en">EN - English' in (
        selector
    )
    assert (
        'value="fr" class="fr-translate__language fr-nav__link" lang="fr" aria-current="true"'
        in (selector)
    )
    assert "csrfmiddlewaretoken" not in selector  # public pages stay cacheable

    response = browser.post(
        reverse("set_language"), {"language": "en", "next": "/catalogue/?q=sommeil"}
    )

    assert response.status_code == 302 and response.url == "/catalogue/?q=sommeil"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert _lang(browser.get("/catalogue/")) == "en"
    back = browser.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert _lang(browser.get("/")) == "fr"


def test_set_language_refuses_a_next_elsewhere_and_an_unknown_language():
    browser = Client()
    response = browser.post(
        reverse("set_language"), {"language": "de", "next": "https://ailleurs.example/"}
    )
    assert response.status_code == 302 and response.url == "/"
    # Django stores any language it has files for; the portal only answers in its own two.
    assert _lang(browser.get("/")) == "fr"
    assert _lang(browser.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


@pytest.mark.parametrize("name", ["home", "account_login"])
def test_a_page_kept_in_one_language_is_never_served_in_the_other(name):
    path = reverse(name)
    french = Client().get(path)
    english_by_header = Client().get(path, HTTP_ACCEPT_LANGUAGE="en")
    english_by_cookie = Client()
    english_by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_by_cookie = english_by_cookie.get(path)
    french_again = Client().get(path, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")

    assert french.templates and _lang(french) == "fr"
    assert english_by_header.templates and _lang(english_by_header) == "en"  # not the French copy
    assert not english_by_cookie.templates and _lang(english_by_cookie) == "en"  # the English one
    assert not french_again.templates and _lang(french_again) == "fr"
    for response in (english_by_header, english_by_cookie):
        assert response.headers["Content-Language"] == "en"
        assert _vary(response) == _vary(french) == {"accept-language", "cookie"}


def test_the_public_cache_keeps_one_copy_per_language(app):  # noqa: F811
    published()
    status, headers, body, n = _queries(app, "/catalogue/")
    assert status == 200 and n > 0 and _lang(body) == "fr"
    assert _queries(app, "/catalogue/")[3] == 0  # French, from memory

    status, headers, english, n = _queries(app, "/catalogue/", accept_language="en-US,en;q=0.9")
    assert n > 0 and _lang(english) == "en"  # rendered, not the French copy
    assert headers["Content-Language"] == "en"
    assert _queries(app, "/catalogue/", cookie="django_language=en")[2] == english
    assert _queries(app, "/catalogue/", cookie="django_language=en")[3] == 0

    # A French cookie wins over an English browser, as LocaleMiddleware decides.
    status, headers, body, n = _queries(
        app, "/catalogue/", cookie="django_language=fr", accept_language="en"
    )
    assert n == 0 and _lang(body) == "fr"
    # An unknown language cookie falls back as Django does (header, then French).
    assert _lang(_queries(app, "/catalogue/", cookie="django_language=xx")[2]) == "fr"
    # The API's JSON too (its labels and errors are translated).
    _queries(app, "/api/v1/services/")
    assert _queries(app, "/api/v1/services/")[3] == 0
    assert _queries(app, "/api/v1/services/", accept_language="en")[3] > 0

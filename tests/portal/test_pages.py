"""The footer's mandatory pages (portal/pages.py): open to everyone, linked from the footer of
every page, and the cookie page lists every cookie the portal sets."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.pages import portal_cookies
from tests.factories import OrganisationFactory, staff_user
from tests.factories.people import TEST_PASSWORD, editor

pytestmark = pytest.mark.django_db
PAGES = {
    "legal-notice": "Mentions légales",
    "personal-data": "Données personnelles",
    "cookies": "Gestion des cookies",
    "accessibility": "Accessibilité : partiellement conforme",
}


def _footer(html: str) -> str:
    return html.split('<footer class="fr-footer"', 1)[1]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_answers_anonymous_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.templates[0].name == f"portal/pages/{name.replace('-', '_')}.html"


@pytest.mark.parametrize(
    "path",
    ["/", "/comptes/login/", "/catalogue/", "/mentions-legales/", "/accessibilite/"],
)
def test_every_page_links_the_four_pages_from_its_footer(path):
    html = Client().get(path).content.decode()
    footer = _footer(html)
    for name, label in PAGES.items():
        assert f'href="{reverse(name)}">{label}</a>' in footer, (path, name)


def test_signed_in_pages_link_them_too(client):
    client.force_login(editor(OrganisationFactory()))
    footer = _footer(client.get(reverse("home")).content.decode())
    assert all(f'href="{reverse(name)}"' in footer for name in PAGES)


def test_staff_reach_them_before_their_totp_step(client):
    client.force_login_password_only(staff_user("instructor"))
    assert client.get(reverse("home")).status_code == 302  # the TOTP step first
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_the_accessibility_statement_gives_state_date_gaps_and_contact(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "accessibilite@exemple.test"
    html = client.get(reverse("accessibility")).content.decode()
    assert "<strong>partiellement conforme</strong>" in html
    assert "RGAA" in html and "4.1.2" in html
    assert "établie le 1 décembre 2026" in html
    assert "Non-conformités" in html and "critère 13.3" in html
    assert 'href="mailto:accessibilite@exemple.test"' in html
    assert "Défenseur des droits" in html


def test_the_cookie_page_lists_every_cookie_a_visit_sets():
    """A visit that sets every cookie there is: the CSRF one (login form), the session (signed
    in), a message (signed out), the language (selector). Each is on the page, and nothing else
    is stored in the browser."""
    person = editor(OrganisationFactory())
    browser = Client()
    seen = set()

    def visit(method, path, data=None):
        response = getattr(browser, method)(path, data or {})
        seen.update(response.cookies)
        return response

    visit("get", reverse("account_login"))
    visit("post", reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD})
    visit("get", reverse("home"))
    visit("post", reverse("set_language"), {"language": "en", "next": "/"})
    visit("post", reverse("account_logout"))
    visit("get", reverse("home"))

    names = {cookie["name"] for cookie in portal_cookies()}
    assert seen == names
    # The visit chose English last: the page answers in French once the choice is forgotten.
    browser.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    html = browser.get(reverse("cookies")).content.decode()
    for name in names:
        assert f'<code lang="en">{name}</code>' in html
    assert "strictement nécessaires" in html


def test_the_cookies_are_what_the_settings_name():
    names = [cookie["name"] for cookie in portal_cookies()]
    assert names == [
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",
    ]
    assert settings.LANGUAGE_COOKIE_AGE <= 395 * 24 * 3600  # at most 13 months (CNIL)


def test_no_page_of_the_four_loads_a_third_party_resource(client):
    """No audience measurement, font or script from elsewhere: nothing but our own cookies."""
    for name in PAGES:
        html = client.get(reverse(name)).content.decode()
        loaded = re.findall(
            r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(https?:[^"]+)"', html
        )
        assert loaded == [], (name, loaded)

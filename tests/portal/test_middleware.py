"""Security headers: browser features denied everywhere, signed-in pages never cached."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.factories.people import editor, staff_user

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

"""Every staff sign-in passes the TOTP step, whatever the door: allauth's login, Django's admin
login, or a session opened some other way; owning an authenticator is not enough."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse

from portal.accounts.models import User
from tests.factories import UserFactory
from tests.factories.people import TEST_PASSWORD, TEST_TOTP_SECRET, staff_user

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/gestion-technique/"


def totp_code(secret=TEST_TOTP_SECRET) -> str:
    """The current code, waiting for the next period when this one is about to end."""
    period = settings.MFA_TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def sign_in(client, user, *, code=None):
    """allauth's sign-in: the password form, then the TOTP form when the account has one."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    if code is not None:
        assert response.status_code == 302
        assert response.url == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    return response


def superuser(**kwargs):
    user = UserFactory(is_staff=True, is_superuser=True, **kwargs)
    return user


def test_admin_login_page_hands_over_to_allauth(client):
    response = client.get("/gestion-technique/login/?next=/gestion-technique/accounts/user/")

    assert response.status_code == 302
    assert response.url == (
        reverse("account_login") + "?next=%2Fgestion-technique%2Faccounts%2Fuser%2F"
    )


def test_admin_login_no_longer_signs_in_with_a_password(client):
    person = superuser()

    response = client.post(
        "/gestion-technique/login/", {"username": person.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 405
    assert "_auth_user_id" not in client.session


def test_admin_login_refuses_a_foreign_next(client):
    response = client.get("/gestion-technique/login/?next=https://evil.example/")

    assert response.url == reverse("account_login") + "?next=%2Fgestion-technique%2F"


@pytest.mark.parametrize("path", [ADMIN_INDEX, "/", "/instruction/"])
def test_superuser_signed_in_with_a_password_alone_reaches_no_page(client, path):
    person = superuser()
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(person, TEST_TOTP_SECRET)
    client.force_login_password_only(person)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate") + "?next=")


def test_superuser_without_totp_is_sent_to_activate_it_even_for_the_admin(client):
    client.force_login_password_only(superuser())

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?next=/gestion-technique/"


def test_is_staff_account_without_a_portal_role_must_use_totp(client):
    person = UserFactory(is_staff=True)
    assert person.must_use_mfa

    sign_in(client, person)
    response = client.get(ADMIN_INDEX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_session_that_passed_totp_through_allauth_reaches_the_admin(client):
    person = superuser()
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(person, TEST_TOTP_SECRET)

    response = sign_in(client, person, code=totp_code())

    assert response.status_code == 302
    assert client.get(ADMIN_INDEX).status_code == 200


def test_password_step_alone_does_not_sign_staff_in(client):
    person = staff_user("instructor")

    response = sign_in(client, person)

    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/instruction/").status_code == 302


def test_reauthenticating_with_totp_opens_the_pages(client):
    person = staff_user("instructor")
    client.force_login_password_only(person)
    assert client.get("/").status_code == 302

    response = client.post(reverse("mfa_reauthenticate") + "?next=/", {"code": totp_code()})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces the activation on commit
def test_activating_totp_counts_as_this_session_second_factor(client):
    person = staff_user("ministry", totp=False)
    sign_in(client, person)
    assert client.get("/").url.startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before an authenticator is added.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    activate = reverse("mfa_activate_totp")
    page = client.get(activate)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]

    response = client.post(activate, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_administrator_uses_the_admin_after_the_totp_step(client, settings):
    settings.DEBUG = True
    # The demo's people, organisations and referentials as seed_demo writes them; its dossiers,
    # each brought through the whole workflow, are not what the administrator's pages are about.
    from demo.seed import (
        DEMO_PASSWORD,
        DEMO_TOTP_SECRET,
        load_demo_referentials,
        seed_organisations,
        seed_users,
    )

    load_demo_referentials()
    seed_organisations(seed_users())
    administrator = User.objects.get(email="admin@demo.test")
    assert administrator.is_staff and not administrator.is_superuser

    client.post(reverse("account_login"), {"login": administrator.email, "password": DEMO_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})

    # People and their roles, the referential's versions: the administrator's work.
    for path in (
        ADMIN_INDEX,
        "/gestion-technique/accounts/user/",
        f"/gestion-technique/accounts/user/{administrator.pk}/change/",
        "/gestion-technique/auth/group/",
        "/gestion-technique/applications/referentialversion/",
        "/gestion-technique/applications/requirement/",
        "/gestion-technique/organisations/organisation/",
    ):
        assert client.get(path).status_code == 200, path
    # Not theirs: TOTP secrets, the append-only journal's internals, decisions.
    assert client.get("/gestion-technique/mfa/authenticator/").status_code == 403
    assert client.get("/gestion-technique/decisions/decision/").status_code == 403


@pytest.mark.parametrize(
    "name", ["mfa_deactivate_totp", "mfa_view_recovery_codes", "account_change_password"]
)
def test_session_without_the_second_factor_cannot_change_the_factors(client, name):
    from allauth.mfa.totp.internal.auth import TOTP

    person = superuser()
    TOTP.activate(person, TEST_TOTP_SECRET)
    client.force_login_password_only(person)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))

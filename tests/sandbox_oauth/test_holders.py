"""The holder's side: a sign-in kept apart from the portal's, consents listed and withdrawn (which
ends every token), no step of the portal's TOTP in the way."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sandbox.enums import CallKind
from sandbox.models import SandboxAccessToken, SandboxCall, SandboxConsent, SandboxRefreshToken
from sandbox.views.holders import HOLDER_COOKIE
from tests.assertions import assert_nothing_changed
from tests.factories.people import staff_user

from .conftest import REDIRECT_URI, path_of

pytestmark = pytest.mark.django_db


def test_signing_in_a_holder_opens_no_portal_session(pairing):
    response = pairing.sign_in(pairing.authorize_url())

    assert response.status_code == 302
    cookie = response.cookies[HOLDER_COOKIE]
    assert cookie["path"] == "/bac-a-sable/"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "sessionid" not in response.cookies
    assert "_auth_user_id" not in pairing.browser.session
    pairing.holder.refresh_from_db()
    assert pairing.holder.last_login is not None


def test_a_holder_cookie_does_not_sign_anyone_in_to_the_portal(pairing):
    pairing.code()
    assert pairing.browser.get(reverse("home")).context["user"].is_authenticated is False


def test_a_forged_or_stale_holder_cookie_signs_nobody_in(pairing):
    pairing.browser.cookies[HOLDER_COOKIE] = f"{pairing.holder.pk}"
    response = pairing.browser.get(pairing.authorize_url())
    assert path_of(response["Location"]) == reverse("sandbox:holder-sign-in")

    pairing.code()
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = pairing.browser.get(pairing.authorize_url())
    assert path_of(response["Location"]) == reverse("sandbox:holder-sign-in")


def test_sign_in_lists_only_the_holders_of_the_client(pairing, other_sandbox):
    other_client, _secret = other_sandbox()
    page = pairing.browser.get(
        reverse("sandbox:holder-sign-in") + f"?client_id={pairing.client.client_id}"
    )
    assert page.status_code == 200
    assert set(page.context["form"].fields["holder"].queryset) == set(pairing.client.holders.all())

    stranger = other_client.holders.first()
    response = pairing.browser.post(
        reverse("sandbox:holder-sign-in"),
        {"holder": stranger.pk, "client_id": pairing.client.client_id},
    )
    assert response.status_code == 400
    assert HOLDER_COOKIE not in response.cookies


def test_sign_in_without_a_client_is_a_clear_400(holder_agent):
    response = holder_agent.get(reverse("sandbox:holder-sign-in"))
    assert response.status_code == 400
    assert "Lien de connexion incomplet" in response.content.decode()


def test_sign_in_never_resumes_elsewhere_than_the_authorization_endpoint(pairing):
    response = pairing.browser.post(
        reverse("sandbox:holder-sign-in"),
        {
            "holder": pairing.holder.pk,
            "client_id": pairing.client.client_id,
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sandbox:holder-home")


def test_staff_without_totp_in_this_session_still_reach_the_holder_pages(pairing):
    person = staff_user("expert")
    pairing.browser.force_login_password_only(person)
    response = pairing.browser.get(pairing.authorize_url())
    assert path_of(response["Location"]) == reverse("sandbox:holder-sign-in")
    assert pairing.code()


def test_withdrawing_consent_revokes_every_token(pairing):
    tokens = pairing.tokens()
    home = pairing.browser.get(reverse("sandbox:holder-home"))
    assert home.status_code == 200
    assert "Retirer mon consentement" in home.content.decode()
    consent = SandboxConsent.objects.get(holder=pairing.holder, withdrawn_at__isnull=True)
    url = reverse("sandbox:consent-withdraw", args=[consent.pk])
    confirm = pairing.browser.get(url)
    assert "irréversible" in confirm.content.decode()

    response = pairing.browser.post(url)

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not SandboxAccessToken.objects.filter(user=pairing.holder).exists()
    assert not SandboxRefreshToken.objects.filter(
        user=pairing.holder, revoked__isnull=True
    ).exists()
    assert pairing.introspect(tokens["access_token"]) == {"active": False}
    assert pairing.userinfo(tokens["access_token"]).status_code == 401
    refreshed = pairing.refresh(tokens["refresh_token"])
    assert json.loads(refreshed.content)["error"] == "invalid_grant"
    call = SandboxCall.objects.get(client=pairing.client, kind=CallKind.CONSENT_WITHDRAWN)
    assert call.holder == pairing.holder and "2 jetons révoqués" in call.verdict

    # A new consent pairs again.
    assert pairing.exchange(pairing.code()).status_code == 200


def test_a_holder_cannot_withdraw_anothers_consent(pairing, other_sandbox):
    pairing.tokens()
    consent = SandboxConsent.objects.get(holder=pairing.holder)
    other_client, _secret = other_sandbox()
    pairing.browser.post(
        reverse("sandbox:holder-sign-in"),
        {"holder": other_client.holders.first().pk, "client_id": other_client.client_id},
    )
    url = reverse("sandbox:consent-withdraw", args=[consent.pk])
    with assert_nothing_changed(rows=(consent,), tables=(SandboxAccessToken,)):
        assert pairing.browser.post(url).status_code == 404


def test_signing_out_ends_the_holder_session(pairing):
    pairing.code()
    response = pairing.browser.post(reverse("sandbox:holder-sign-out"))
    assert response.status_code == 200
    assert response.cookies[HOLDER_COOKIE].value == ""
    assert pairing.browser.get(reverse("sandbox:holder-home")).status_code == 401


def test_the_holder_pages_are_never_cached(pairing):
    pairing.code()
    response = pairing.browser.get(reverse("sandbox:holder-home"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert REDIRECT_URI not in response.content.decode()

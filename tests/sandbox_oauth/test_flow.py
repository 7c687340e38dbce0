"""The authorization code flow with PKCE, end to end through the test client: the holder signs
in and consents on the sandbox's pages, the service exchanges the code, refreshes its tokens;
every way of getting it wrong is refused, and said in the calls the editor reads."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from jwcrypto import jwk, jwt

from sandbox.enums import CallKind, CallOutcome
from sandbox.models import (
    SandboxAccessToken,
    SandboxCall,
    SandboxConsent,
    SandboxGrant,
    SandboxRefreshToken,
)

from .conftest import REDIRECT_URI, Pairing, basic_auth, path_of, query_of

pytestmark = pytest.mark.django_db


def _last_call(client, kind=None) -> SandboxCall:
    calls = SandboxCall.objects.filter(client=client)
    if kind:
        calls = calls.filter(kind=kind)
    return calls.order_by("-at", "-pk").first()


def test_pairing_gives_tokens_whose_id_token_verifies_with_the_jwks_and_names_the_holder(
    pairing,
):
    code = pairing.code()
    response = pairing.exchange(code)

    assert response.status_code == 200, response.content
    tokens = json.loads(response.content)
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"].split() == ["openid", "mesures"]
    assert tokens["expires_in"] == 600
    assert tokens["access_token"] and tokens["refresh_token"] and tokens["id_token"]

    discovery = json.loads(
        pairing.backend.get(reverse("oauth2_provider:oidc-connect-discovery-info")).content
    )
    jwks = pairing.backend.get(path_of(discovery["jwks_uri"]))
    keys = jwk.JWKSet.from_json(jwks.content)
    claims = json.loads(jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"]).claims)
    assert claims["sub"] == pairing.holder.test_identifier
    assert claims["aud"] == pairing.client.client_id
    assert claims["iss"] == discovery["issuer"]
    assert claims["nonce"] == pairing.nonce

    grant = SandboxGrant.objects.get(code=code)
    assert grant.user == pairing.holder and grant.used_at is not None
    consent = SandboxConsent.objects.get(holder=pairing.holder, withdrawn_at__isnull=True)
    assert consent.scopes == ["openid", "mesures"]
    # Tokens are stored hashed: no usable value in the database.
    assert not SandboxAccessToken.objects.filter(token=tokens["access_token"]).exists()
    assert SandboxAccessToken.objects.get(user=pairing.holder).token == ""

    userinfo = pairing.userinfo(tokens["access_token"])
    assert userinfo.status_code == 200
    assert json.loads(userinfo.content) == {"sub": pairing.holder.test_identifier}
    answer = pairing.introspect(tokens["access_token"])
    assert answer["active"] is True and answer["sub"] == pairing.holder.test_identifier

    kinds = list(
        SandboxCall.objects.filter(client=pairing.client)
        .order_by("at", "pk")
        .values_list("kind", "outcome")
    )
    assert kinds[1:] == [
        (CallKind.AUTHORIZE, CallOutcome.SUCCESS),
        (CallKind.TOKEN, CallOutcome.SUCCESS),
        (CallKind.USERINFO, CallOutcome.SUCCESS),
        (CallKind.INTROSPECT, CallOutcome.SUCCESS),
    ]
    token_call = _last_call(pairing.client, CallKind.TOKEN)
    assert token_call.holder == pairing.holder
    assert "code=(masqué)" in token_call.request_summary
    assert "code_verifier=(masqué)" in token_call.request_summary
    for secret in (code, pairing.verifier, pairing.secret, tokens["access_token"]):
        assert secret not in token_call.request_summary + token_call.verdict


def test_discovery_says_s256_only_and_the_sandbox_endpoints(pairing):
    discovery = json.loads(
        pairing.backend.get(reverse("oauth2_provider:oidc-connect-discovery-info")).content
    )
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["issuer"].endswith("/bac-a-sable/oauth")
    assert path_of(discovery["token_endpoint"]) == "/bac-a-sable/oauth/token/"
    assert path_of(discovery["authorization_endpoint"]) == "/bac-a-sable/oauth/authorize/"


def test_the_authorization_response_carries_the_issuer(pairing):
    response = pairing.answer(pairing.consent_page(), allow=True)
    assert query_of(response["Location"])["iss"].endswith("/bac-a-sable/oauth")


def test_refused_without_pkce_before_anyone_is_asked(pairing):
    response = pairing.sign_in(
        pairing.authorize_url(code_challenge=None, code_challenge_method=None)
    )
    page = pairing.browser.get(response["Location"])

    assert page.status_code == 302
    answer = query_of(page["Location"])
    assert page["Location"].startswith(REDIRECT_URI)
    assert answer["error"] == "invalid_request"
    assert answer["state"] == pairing.state
    assert not SandboxGrant.objects.exists()
    call = _last_call(pairing.client, CallKind.AUTHORIZE)
    assert call.outcome == CallOutcome.REFUSED
    assert "PKCE est obligatoire" in call.verdict


@pytest.mark.parametrize("method", ["plain", None], ids=["plain", "method-missing-means-plain"])
def test_refused_with_the_plain_method(pairing, method):
    url = pairing.authorize_url(code_challenge=pairing.verifier, code_challenge_method=method)
    page = pairing.browser.get(pairing.sign_in(url)["Location"])

    assert page.status_code == 302
    assert query_of(page["Location"])["error"] == "invalid_request"
    assert not SandboxGrant.objects.exists()
    assert "S256" in _last_call(pairing.client, CallKind.AUTHORIZE).verdict


def test_refused_with_a_wrong_verifier_and_the_code_is_then_spent(pairing):
    code = pairing.code()
    response = pairing.exchange(code, verifier="a" * 64)

    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "invalid_grant"
    assert not SandboxAccessToken.objects.exists()
    call = _last_call(pairing.client, CallKind.TOKEN)
    assert call.outcome == CallOutcome.REFUSED and call.response_status == 400


def test_refused_without_verifier(pairing):
    code = pairing.code()
    response = pairing.token(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "invalid_request"
    assert not SandboxAccessToken.objects.exists()


def test_a_reused_code_is_refused_and_revokes_what_it_gave(pairing):
    code = pairing.code()
    first = json.loads(pairing.exchange(code).content)

    second = pairing.exchange(code)

    assert second.status_code == 400
    assert json.loads(second.content)["error"] == "invalid_grant"
    assert not SandboxAccessToken.objects.exists()
    assert not SandboxRefreshToken.objects.filter(revoked__isnull=True).exists()
    assert pairing.userinfo(first["access_token"]).status_code == 401
    assert json.loads(pairing.refresh(first["refresh_token"]).content)["error"] == "invalid_grant"
    assert "déjà été échangé" in _last_call(pairing.client, CallKind.TOKEN).verdict


def test_a_code_expires_after_a_minute(pairing):
    code = pairing.code()
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        response = pairing.exchange(code)
    assert json.loads(response.content)["error"] == "invalid_grant"
    assert "expiré" in _last_call(pairing.client, CallKind.TOKEN).verdict


def test_a_wrong_secret_is_refused(pairing):
    response = pairing.exchange(pairing.code(), secret="not-the-secret")
    assert response.status_code == 401
    assert json.loads(response.content)["error"] == "invalid_client"
    assert not SandboxAccessToken.objects.exists()
    assert _last_call(pairing.client, CallKind.TOKEN).outcome == CallOutcome.REFUSED


def test_refresh_rotates_and_the_reuse_of_a_rotated_token_revokes_the_family(pairing):
    tokens = pairing.tokens()
    rotated = pairing.refresh(tokens["refresh_token"])
    assert rotated.status_code == 200, rotated.content
    fresh = json.loads(rotated.content)
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert pairing.userinfo(fresh["access_token"]).status_code == 200
    assert _last_call(pairing.client, CallKind.REFRESH).outcome == CallOutcome.SUCCESS

    replay = pairing.refresh(tokens["refresh_token"])

    assert replay.status_code == 400
    assert json.loads(replay.content)["error"] == "invalid_grant"
    # The whole family is revoked: the fresh pair no longer works either.
    assert pairing.userinfo(fresh["access_token"]).status_code == 401
    assert json.loads(pairing.refresh(fresh["refresh_token"]).content)["error"] == "invalid_grant"
    assert not SandboxRefreshToken.objects.filter(revoked__isnull=True).exists()
    call = SandboxCall.objects.filter(client=pairing.client, kind=CallKind.REFRESH).order_by("pk")[
        1
    ]
    assert call.outcome == CallOutcome.REFUSED and "toute sa famille" in call.verdict


def test_the_access_token_lasts_ten_minutes(pairing):
    tokens = pairing.tokens()
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1), tick=False):
        assert pairing.userinfo(tokens["access_token"]).status_code == 401
        assert pairing.introspect(tokens["access_token"]) == {"active": False}
        # ... and the refresh token gives a new one.
        assert pairing.refresh(tokens["refresh_token"]).status_code == 200


def test_a_scope_the_dossier_did_not_request_is_refused(pairing):
    page = pairing.browser.get(
        pairing.sign_in(pairing.authorize_url(scope="openid agenda"))["Location"]
    )

    assert page.status_code == 302
    assert query_of(page["Location"])["error"] == "invalid_scope"
    assert not SandboxGrant.objects.exists()
    verdict = _last_call(pairing.client, CallKind.AUTHORIZE).verdict
    assert "agenda" in verdict and "openid mesures documents" in verdict


def test_a_scope_smuggled_into_the_consent_form_is_refused(pairing):
    page = pairing.consent_page()
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(allow="on", scope="openid mesures agenda")

    response = pairing.browser.post(reverse("oauth2_provider:authorize"), data)

    assert query_of(response["Location"])["error"] == "invalid_scope"
    assert not SandboxGrant.objects.exists()
    assert not SandboxConsent.objects.exists()


def test_without_scope_the_dossier_scopes_are_granted(pairing):
    response = pairing.exchange(pairing.code(scope=None))
    assert json.loads(response.content)["scope"].split() == ["openid", "mesures", "documents"]


def test_consent_refused_redirects_with_access_denied(pairing):
    response = pairing.answer(pairing.consent_page(), allow=False)

    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "access_denied" and answer["state"] == pairing.state
    assert not SandboxGrant.objects.exists()
    assert not SandboxConsent.objects.exists()
    call = _last_call(pairing.client, CallKind.AUTHORIZE)
    assert call.outcome == CallOutcome.REFUSED
    assert call.verdict.startswith("Consentement refusé")
    assert call.holder == pairing.holder


def test_the_consent_page_admits_the_redirect_origin_as_form_action(pairing):
    page = pairing.consent_page()
    assert page.status_code == 200
    directives = [d.strip() for d in page["Content-Security-Policy"].split(";")]
    assert "form-action 'self' http://127.0.0.1:8765" in directives
    assert pairing.holder.full_name in page.content.decode()


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(pairing):
    page = pairing.browser.get(
        pairing.sign_in(pairing.authorize_url(redirect_uri="https://evil.example/cb"))["Location"]
    )
    assert page.status_code == 400
    assert "adresse de retour" in page.content.decode()
    call = _last_call(pairing.client, CallKind.AUTHORIZE)
    assert call.outcome == CallOutcome.REFUSED
    assert "enregistrées pour ce client" in call.verdict


def test_prompt_none_is_answered_login_required(pairing):
    response = pairing.browser.get(pairing.authorize_url(prompt="none"))
    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "login_required"


def test_approval_prompt_auto_still_asks_the_holder(pairing):
    pairing.code()
    page = pairing.browser.get(pairing.authorize_url(approval_prompt="auto"))
    assert page.status_code == 200
    assert "form" in page.context


def test_a_holder_of_another_client_must_sign_in_again(pairing, other_sandbox):
    other_client, _secret = other_sandbox(apis=["agenda"])
    pairing.code()  # signed in as a holder of the first client

    response = pairing.browser.get(pairing.authorize_url(client_id=other_client.client_id))

    assert response.status_code == 302
    assert path_of(response["Location"]) == reverse("sandbox:holder-sign-in")


def test_the_portal_account_of_the_browser_is_never_the_resource_owner(pairing, dossier_editor):
    pairing.browser.force_login(dossier_editor)
    response = pairing.browser.get(pairing.authorize_url())

    assert response.status_code == 302  # to the holder's sign-in, the portal account ignored
    assert path_of(response["Location"]) == reverse("sandbox:holder-sign-in")
    code = pairing.code()
    assert SandboxGrant.objects.get(code=code).user == pairing.holder


def test_a_closed_dossier_client_answers_invalid_client(pairing, dossier):
    tokens = pairing.tokens()
    service = dossier.service
    service.requests_data_exchange = False
    service.mes_apis = []
    service.save()

    response = pairing.refresh(tokens["refresh_token"])

    assert response.status_code == 401
    assert json.loads(response.content)["error"] == "invalid_client"
    assert pairing.userinfo(tokens["access_token"]).status_code == 401
    assert "ne fonctionne plus" in _last_call(pairing.client, CallKind.REFRESH).verdict


def test_revoking_the_refresh_token_ends_the_access(pairing):
    tokens = pairing.tokens()
    response = pairing.backend.post(
        reverse("oauth2_provider:revoke-token"),
        {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        HTTP_AUTHORIZATION=basic_auth(pairing.client.client_id, pairing.secret),
    )
    assert response.status_code == 200
    assert pairing.userinfo(tokens["access_token"]).status_code == 401
    assert _last_call(pairing.client, CallKind.REVOKE).outcome == CallOutcome.SUCCESS


def test_introspection_answers_inactive_for_another_clients_token(pairing, other_sandbox):
    other_client, other_secret = other_sandbox()
    tokens = pairing.tokens()
    other_pairing = Pairing(
        browser=pairing.browser,
        backend=pairing.backend,
        client=other_client,
        secret=other_secret,
        holder=other_client.holders.first(),
    )
    assert other_pairing.introspect(tokens["access_token"]) == {"active": False}
    assert pairing.introspect(tokens["access_token"])["active"] is True


def test_a_consent_form_without_its_request_issues_nothing(pairing):
    pairing.consent_page()
    response = pairing.browser.post(reverse("oauth2_provider:authorize"), {"allow": "on"})
    assert response.status_code == 400
    assert "incomplète" in response.content.decode()
    assert not SandboxGrant.objects.exists()


def test_introspection_with_a_wrong_secret_is_refused_and_recorded(pairing):
    tokens = pairing.tokens()
    response = pairing.backend.post(
        reverse("oauth2_provider:introspect"),
        {"token": tokens["access_token"]},
        HTTP_AUTHORIZATION=basic_auth(pairing.client.client_id, "wrong"),
    )
    assert response.status_code in (401, 403)
    assert b"active" not in response.content
    call = _last_call(pairing.client, CallKind.INTROSPECT)
    assert call.outcome == CallOutcome.REFUSED and call.verdict.startswith("Client inconnu")

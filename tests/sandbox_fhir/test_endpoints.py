"""The FHIR endpoints of the sandbox, driven as the editor's service drives them: a token from
the real pairing, the guides' official examples accepted, and every refusal answered as Mon
espace santé answers it (401, 403, 400, 415, 422, 405), each in French in an OperationOutcome;
every call whose client is known recorded with the test book's case it exercised."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sandbox.enums import CallKind, CallOutcome
from sandbox.fhir.measures_table import BY_KEY
from sandbox.models import SandboxAccessToken, SandboxCall, SandboxConsent
from tests.conftest import SignedInClient
from tests.sandbox.fhir.examples import OBSERVATION_EXAMPLES, feed, load, obs_of, observation
from tests.sandbox_oauth.conftest import Pairing, basic_auth

from .conftest import FHIR_JSON, FhirService, paired

pytestmark = pytest.mark.django_db

CREATABLE = [key for key in OBSERVATION_EXAMPLES if BY_KEY[key].creatable and key != "glucose"]


def fhir_calls(client) -> list[SandboxCall]:
    return list(SandboxCall.objects.filter(client=client, kind=CallKind.FHIR).order_by("at", "pk"))


def last_fhir_call(client) -> SandboxCall:
    calls = fhir_calls(client)
    assert calls, "aucun appel FHIR enregistré"
    return calls[-1]


def outcome_of(response) -> list[dict]:
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    body = json.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"]


def document_example() -> dict:
    """The PDSm example with the custodian the profile requires (tests/sandbox/fhir)."""
    document = load("pdsm/DocumentReference-PDSmSimplifiedExample.json")
    document["custodian"] = {"reference": "Organization/org-example"}
    return document


# -- accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", CREATABLE)
def test_each_official_measure_is_accepted_and_recorded_with_its_case(key, pairing, tokens):
    service = FhirService(tokens["access_token"])

    response = service.measure(feed(observation(key)))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == f"{FHIR_JSON}; charset=utf-8"
    body = json.loads(response.content)
    assert body["type"] == "transaction-response"
    assert [entry["response"]["status"] for entry in body["entry"]] == ["201 Created"] * 2
    call = last_fhir_call(pairing.client)
    assert (call.case, call.measure) == (f"measures.{key}", key)
    assert (call.outcome, call.response_status) == (CallOutcome.SUCCESS, 200)
    assert call.holder == pairing.holder
    assert call.method == "POST" and call.path == reverse("sandbox:fhir-base")
    assert body["entry"][0]["response"]["location"] in call.verdict
    assert "Bundle transaction : Observation (POST), Device (POST)" in call.request_summary
    assert "Authorization: Bearer (masqué)" in call.request_summary
    for secret in (tokens["access_token"], tokens["refresh_token"]):
        assert secret not in call.request_summary + call.verdict


def test_a_document_is_created(pairing):
    service = paired(pairing, "openid documents")

    response = service.document(document_example())

    assert response.status_code == 201, response.content
    body = json.loads(response.content)
    assert response["Location"] == f"DocumentReference/{body['id']}/_history/1"
    call = last_fhir_call(pairing.client)
    assert (call.case, call.measure, call.outcome) == (
        "documents.simplified_publish",
        "",
        CallOutcome.SUCCESS,
    )
    assert f"DocumentReference/{body['id']}" in call.verdict
    # The summary names the resource, not its data (the document is inline, in base64).
    document = document_example()["content"][0]["attachment"]["data"]
    assert document not in call.request_summary
    assert len(call.request_summary) < 300


def test_an_appointment_is_created(dossier, other_sandbox):
    client, secret = other_sandbox(apis=("measures", "agenda"))
    pairing = Pairing(
        browser=SignedInClient(),
        backend=Client(),
        client=client,
        secret=secret,
        holder=client.holders.first(),
    )
    service = paired(pairing, "openid agenda")

    response = service.appointment(load("gap/Appointment-example-req-appointment.json"))

    assert response.status_code == 201, response.content
    assert json.loads(response.content)["resourceType"] == "Appointment"
    call = last_fhir_call(client)
    assert (call.case, call.outcome, call.response_status) == (
        "agenda.appointment",
        CallOutcome.SUCCESS,
        201,
    )


def test_a_call_costs_two_queries(service, django_assert_num_queries):
    bundle = feed(observation("body_weight"))
    # The token with its client, dossier, service, holder and consent; the record.
    with django_assert_num_queries(2):
        assert service.measure(bundle).status_code == 200


def test_plain_application_json_is_accepted_too(service, pairing):
    response = service.measure(feed(observation("body_weight")), content_type="application/json")
    assert response.status_code == 200, response.content


def test_no_session_nor_csrf_token_is_needed_or_given(service):
    response = service.measure(feed(observation("body_weight")))  # enforce_csrf_checks=True

    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


# -- 401 --------------------------------------------------------------------------------------


def test_without_a_token_401_with_a_bearer_challenge_and_nothing_recorded(pairing):
    response = FhirService(None).measure(feed(observation("body_weight")))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="bac-a-sable-mon-espace-sante"'
    (issue,) = outcome_of(response)
    assert issue["code"] == "login"
    assert "Jeton d’accès manquant" in issue["diagnostics"]
    assert fhir_calls(pairing.client) == []


@pytest.mark.parametrize("authorization", ["Bearer pas-un-jeton", "Basic abc", "Bearer"])
def test_with_a_bad_token_401_invalid_token(pairing, authorization):
    response = Client().post(
        reverse("sandbox:fhir-base"),
        json.dumps(feed(observation("body_weight"))),
        content_type=FHIR_JSON,
        HTTP_AUTHORIZATION=authorization,
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="bac-a-sable-mon-espace-sante"')
    assert 'error="invalid_' in response["WWW-Authenticate"]
    assert outcome_of(response)[0]["code"] == "login"
    assert fhir_calls(pairing.client) == []


def test_an_expired_token_401_and_recorded(pairing, tokens):
    service = FhirService(tokens["access_token"])
    later = timezone.now() + timedelta(seconds=tokens["expires_in"] + 1)

    with time_machine.travel(later, tick=False):
        response = service.measure(feed(observation("body_weight")))

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    (issue,) = outcome_of(response)
    assert "Jeton d’accès expiré" in issue["diagnostics"]
    call = last_fhir_call(pairing.client)
    assert (call.outcome, call.response_status, call.case) == (CallOutcome.REFUSED, 401, "measures")
    assert call.verdict_lines == [("auth.token-expired", "", issue["diagnostics"])]
    assert tokens["access_token"] not in call.request_summary + call.verdict


def test_a_revoked_token_401(pairing, tokens):
    revoked = pairing.backend.post(
        reverse("oauth2_provider:revoke-token"),
        {"token": tokens["access_token"], "token_type_hint": "access_token"},
        HTTP_AUTHORIZATION=basic_auth(pairing.client.client_id, pairing.secret),
    )
    assert revoked.status_code == 200

    response = FhirService(tokens["access_token"]).measure(feed(observation("body_weight")))

    assert response.status_code == 401
    assert "inconnu ou révoqué" in outcome_of(response)[0]["diagnostics"]


def test_consent_withdrawn_on_the_holder_page_revokes_the_token_401(pairing, tokens):
    consent = SandboxConsent.objects.get(holder=pairing.holder, withdrawn_at__isnull=True)
    page = pairing.browser.post(reverse("sandbox:consent-withdraw", args=[consent.pk]))
    assert page.status_code in (200, 302)

    response = FhirService(tokens["access_token"]).measure(feed(observation("body_weight")))

    assert response.status_code == 401


def test_a_closed_dossier_s_tokens_stop_working(pairing, tokens, dossier):
    dossier.service.requests_data_exchange = False
    dossier.service.save(update_fields=["requests_data_exchange"])

    response = FhirService(tokens["access_token"]).measure(feed(observation("body_weight")))

    assert response.status_code == 401
    assert last_fhir_call(pairing.client).verdict_lines[0][0] == "auth.client-closed"


# -- 403 --------------------------------------------------------------------------------------


def test_a_token_whose_consent_is_no_longer_current_403(pairing, tokens):
    """The holder's consent withdrawn while a token of it still exists (the withdrawal deletes
    the tokens it opened, so this guards against any path that would not)."""
    SandboxConsent.objects.filter(holder=pairing.holder).update(withdrawn_at=timezone.now())
    assert SandboxAccessToken.objects.filter(user=pairing.holder).exists()

    response = FhirService(tokens["access_token"]).measure(feed(observation("body_weight")))

    assert response.status_code == 403
    (issue,) = outcome_of(response)
    assert issue["code"] == "forbidden"
    assert "n’a pas consenti" in issue["diagnostics"]
    call = last_fhir_call(pairing.client)
    assert (call.outcome, call.response_status) == (CallOutcome.REFUSED, 403)
    assert call.verdict_lines[0][0] == "auth.consent"


def test_a_scope_the_token_does_not_carry_403_insufficient_scope(pairing, service):
    response = service.document(document_example())  # the token: openid mesures

    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert 'scope="documents"' in response["WWW-Authenticate"]
    (issue,) = outcome_of(response)
    assert "ne porte pas la portée « documents »" in issue["diagnostics"]
    call = last_fhir_call(pairing.client)
    assert (call.case, call.response_status) == ("documents", 403)


def test_an_api_the_dossier_no_longer_asks_for_403(pairing, dossier):
    service = paired(pairing, "openid mesures documents")
    dossier.service.mes_apis = ["measures"]
    dossier.service.save(update_fields=["mes_apis"])

    response = service.document(document_example())

    assert response.status_code == 403
    assert "ne demande plus l’API Documents de santé" in outcome_of(response)[0]["diagnostics"]
    assert last_fhir_call(pairing.client).verdict_lines[0][0] == "auth.dossier-scope"
    assert service.measure(feed(observation("body_weight"))).status_code == 200


# -- 400, 415, 422, 405 -------------------------------------------------------------------------


def test_unparseable_json_400_recorded(pairing, service):
    response = service.measure(b'{"resourceType": "Bundle",')

    assert response.status_code == 400
    (issue,) = outcome_of(response)
    assert "n'est pas un JSON valide" in issue["diagnostics"]
    call = last_fhir_call(pairing.client)
    assert (call.case, call.outcome, call.response_status) == (
        "measures",
        CallOutcome.REFUSED,
        400,
    )
    assert "illisible en JSON" in call.request_summary


def test_another_media_type_415(service):
    response = service.measure(
        json.dumps(feed(observation("body_weight"))), content_type="text/plain"
    )

    assert response.status_code == 415
    assert "application/fhir+json" in outcome_of(response)[0]["diagnostics"]


def test_every_problem_422_in_french_and_recorded_a_line_each(pairing, service):
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["valueQuantity"]["code"] = "g"
    del obs_of(bundle)["subject"]["identifier"]
    obs_of(bundle)["subject"]["reference"] = "Patient/1"

    response = service.measure(bundle)

    assert response.status_code == 422
    issues = outcome_of(response)
    assert len(issues) >= 2
    assert all(issue["severity"] == "error" for issue in issues)
    assert all("Attendu" in issue["diagnostics"] for issue in issues)
    expressions = [issue["expression"][0] for issue in issues]
    assert "Bundle.entry[0].resource.valueQuantity.code" in expressions
    call = last_fhir_call(pairing.client)
    assert (call.case, call.measure, call.outcome, call.response_status) == (
        "measures.body_weight",
        "body_weight",
        CallOutcome.REFUSED,
        422,
    )
    lines = call.verdict_lines
    assert [expression for _rule, expression, _text in lines] == expressions
    assert {"observation.unit", "observation.subject-identifier"} <= {r for r, _e, _t in lines}
    assert [text for _rule, _expression, text in lines] == [i["diagnostics"] for i in issues]


@pytest.mark.parametrize(
    "name", ["sandbox:fhir-base", "sandbox:fhir-document-reference", "sandbox:fhir-appointment"]
)
def test_other_methods_405(name, pairing, service):
    response = service.http.get(reverse(name), **service.headers())

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert outcome_of(response)[0]["code"] == "not-supported"
    call = last_fhir_call(pairing.client)
    assert (call.method, call.response_status, call.outcome) == ("GET", 405, CallOutcome.REFUSED)


def test_metadata_says_what_the_sandbox_takes():
    response = Client().get(reverse("sandbox:fhir-metadata"))

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["resourceType"] == "CapabilityStatement"
    assert body["fhirVersion"] == "4.0.1"
    types = {resource["type"] for resource in body["rest"][0]["resource"]}
    assert types == {"Observation", "Device", "DocumentReference", "Appointment"}
    observation_profiles = body["rest"][0]["resource"][0]["supportedProfile"]
    assert BY_KEY["body_weight"].profile in observation_profiles
    assert BY_KEY["bmi"].profile not in observation_profiles
    assert Client().post(reverse("sandbox:fhir-metadata")).status_code == 405

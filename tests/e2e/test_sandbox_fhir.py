"""An editor registers the sandbox client of a data-exchange dossier, the test runs the pairing
with a fictitious holder in the browser (sign-in, consent), exchanges the code from the test
process, then posts two measures with a small script — one accepted, one refused — while the
editor's sandbox page shows both verdicts as they arrive, without being reloaded. axe checks
every page on the way."""

import base64
import hashlib
import json
import re
import secrets
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from applications.models import Dossier
from sandbox.domain.fhir_metadata import example_measures_bundle
from sandbox.models import SandboxClient

from .conftest import assert_no_axe_violations, login
from .test_sandbox_pairing import _post_form, service_callback  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR_A = "editor-a@demo.test"
#: The page asks for news every few seconds: enough for two polls.
LIVE_TIMEOUT_MS = 15_000


def _post_fhir(url: str, body: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_editor_reads_the_verdicts_of_measures_posted_by_the_service(
    page,
    live_server,
    demo_data,
    service_callback,  # noqa: F811 (the imported fixture)
):
    dossier = Dossier.objects.get(service__name="CardioSuivi")  # draft, organisation A, measures
    redirect_uri = f"http://localhost:{service_callback.server_port}/callback"
    sandbox_url = f"{live_server.url}/bac-a-sable/dossiers/{dossier.pk}/"

    # The editor registers the client.
    login(page, live_server, EDITOR_A)
    page.goto(sandbox_url)
    expect(page.locator("h1")).to_have_text("Bac à sable de l’appariement")
    assert_no_axe_violations(page)
    page.get_by_label("Adresses de retour (redirect_uri)").fill(redirect_uri)
    page.get_by_role("button", name="Créer le client du bac à sable").click()
    expect(page.locator("h1")).to_have_text("Client du bac à sable créé")
    assert_no_axe_violations(page)
    client_id = page.locator("#client-id").inner_text().strip()
    secret = page.locator("#client-secret").inner_text().strip()
    page.get_by_role("link", name=re.compile("continuer vers le bac à sable")).click()

    expect(page.get_by_role("heading", name="API FHIR du bac à sable")).to_be_visible()
    expect(page.get_by_text("curl -X POST")).to_be_visible()
    fhir_base = f"{live_server.url}/bac-a-sable/fhir/"
    expect(page.get_by_role("cell", name=fhir_base, exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    # The pairing, in the browser: the holder signs in and consents.
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    state = secrets.token_urlsafe(12)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid mesures",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"{live_server.url}/bac-a-sable/oauth/authorize/?{query}")
    expect(page.locator("h1")).to_have_text("Connexion avec un profil de test")
    assert_no_axe_violations(page)
    page.locator("label", has_text="Camille Exemple").click()
    page.get_by_role("button", name="Se connecter avec ce profil de test").click()
    expect(page.locator("h1")).to_contain_text("à accéder à votre profil")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Autoriser l’accès").click()
    page.wait_for_url(re.compile(re.escape(redirect_uri) + r"\?"))
    answer = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert answer["state"] == state

    # The service exchanges the code, from the test process.
    tokens = _post_form(
        f"{live_server.url}/bac-a-sable/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        client_id=client_id,
        secret=secret,
    )
    holder = SandboxClient.objects.get(client_id=client_id).holders.get(given_name="Camille")

    # The editor opens the sandbox page and keeps it open.
    page.goto(sandbox_url)
    calls = page.locator("#appels-bac-a-sable")
    expect(calls).to_have_attribute("aria-live", "polite")
    expect(calls.get_by_role("cell", name="Échange du code contre des jetons")).to_be_visible()
    assert_no_axe_violations(page)
    page.evaluate("window.sandboxPageNotReloaded = true")

    bundle = example_measures_bundle(
        subject_identifier=holder.test_identifier, when="2026-03-02T08:30:00+01:00"
    )
    status, body = _post_fhir(fhir_base, bundle, tokens["access_token"])
    assert status == 200, body
    assert body["type"] == "transaction-response"

    accepted = calls.locator("tr", has_text="Mesures de santé — Poids").filter(has_text="HTTP 200")
    expect(accepted).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(accepted.get_by_text("Réussi", exact=True)).to_be_visible()
    expect(accepted.get_by_text("Ressources créées")).to_be_visible()

    wrong_unit = json.loads(json.dumps(bundle))
    observation = wrong_unit["entry"][0]["resource"]
    observation["valueQuantity"]["code"] = "g"
    del observation["subject"]
    status, body = _post_fhir(fhir_base, wrong_unit, tokens["access_token"])
    assert status == 422
    assert len(body["issue"]) >= 2

    refused = calls.locator("tr", has_text="HTTP 422")
    expect(refused).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(refused.get_by_text("Refusé", exact=True)).to_be_visible()
    expect(refused.locator("li")).to_have_count(len(body["issue"]))
    expect(
        refused.locator("code", has_text="Bundle.entry[0].resource.valueQuantity.code")
    ).to_be_visible()
    expect(refused.get_by_text("(règle observation.unit)")).to_be_visible()
    assert page.evaluate("window.sandboxPageNotReloaded") is True  # updated in place
    assert tokens["access_token"] not in page.content()
    assert_no_axe_violations(page)

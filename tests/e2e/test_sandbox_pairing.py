"""An editor registers the sandbox client of a data-exchange dossier and reads its secret once,
then runs the pairing as a service would: the browser goes to the sandbox's authorization
endpoint, a fictitious holder signs in and consents, the code comes back to a tiny local service
(an HTTP server on 127.0.0.1 started by the test), which exchanges it for tokens whose id_token
verifies with the sandbox's JWKS; the editor reads the calls on the sandbox page, refreshed in
place. axe checks every page on the way."""

import base64
import hashlib
import json
import re
import secrets
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from jwcrypto import jwk, jwt
from playwright.sync_api import expect

from applications.models import Dossier
from sandbox.models import SandboxClient

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR_A = "editor-a@demo.test"


class _ServiceCallback(BaseHTTPRequestHandler):
    """The editor's service: its redirect URI answers a small accessible page."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.received.append(self.path)
        body = (
            "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
            "<title>Service de test — retour de l’appariement</title></head>"
            "<body><main><h1>Retour de l’appariement reçu</h1></main></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def service_callback():
    server = HTTPServer(("127.0.0.1", 0), _ServiceCallback)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _post_form(url: str, data: dict, *, client_id: str, secret: str) -> dict:
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(
        url,
        data=urlencode(data).encode(),
        headers={
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def _get_json(url: str, **headers) -> dict:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def test_editor_registers_a_client_and_pairs_a_fictitious_holder(
    page, live_server, demo_data, service_callback
):
    dossier = Dossier.objects.get(service__name="CardioSuivi")  # draft, organisation A, measures
    redirect_uri = f"http://127.0.0.1:{service_callback.server_port}/callback"

    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.get_by_role("heading", name="Bac à sable de l’appariement")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Créer le client du bac à sable").click()

    expect(page.locator("h1")).to_have_text("Bac à sable de l’appariement")
    expect(page.get_by_text("spécifications publiques")).to_be_visible()
    assert_no_axe_violations(page)
    field = page.get_by_label("Adresses de retour (redirect_uri)")
    field.fill("http://service.example/callback")
    page.get_by_role("button", name="Créer le client du bac à sable").click()
    expect(page.get_by_text("doit utiliser https://")).to_be_visible()
    assert not SandboxClient.objects.exists()
    assert_no_axe_violations(page)
    page.get_by_label("Adresses de retour (redirect_uri)").fill(redirect_uri)
    page.get_by_role("button", name="Créer le client du bac à sable").click()

    expect(page.locator("h1")).to_have_text("Client du bac à sable créé")
    expect(page.get_by_text("il ne sera plus affiché")).to_be_visible()
    assert_no_axe_violations(page)
    client_id = page.locator("#client-id").inner_text().strip()
    secret = page.locator("#client-secret").inner_text().strip()
    assert client_id == SandboxClient.objects.get(dossier=dossier).client_id
    assert len(secret) >= 64
    page.get_by_role("link", name=re.compile("continuer vers le bac à sable")).click()

    expect(page.locator("#client-id")).to_have_text(client_id)
    assert secret not in page.content()  # shown once
    expect(page.get_by_role("cell", name="Création du client")).to_be_visible()
    assert_no_axe_violations(page)

    # The service sends the browser to the sandbox (the editor's portal session stays apart).
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid mesures",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"{live_server.url}/bac-a-sable/oauth/authorize/?{query}")

    expect(page.locator("h1")).to_have_text("Connexion avec un profil de test")
    expect(page.get_by_text("Simulation", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("label", has_text="Camille Exemple").click()
    page.get_by_role("button", name="Se connecter avec ce profil de test").click()

    expect(page.locator("h1")).to_contain_text("à accéder à votre profil")
    expect(page.get_by_text("Mesures de santé")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Autoriser l’accès").click()

    page.wait_for_url(re.compile(re.escape(redirect_uri) + r"\?"))
    expect(page.locator("h1")).to_have_text("Retour de l’appariement reçu")
    answer = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert answer["state"] == state
    assert service_callback.received

    # The service exchanges the code, server to server.
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
    assert tokens["scope"].split() == ["openid", "mesures"]
    discovery = _get_json(f"{live_server.url}/bac-a-sable/oauth/.well-known/openid-configuration")
    keys = jwk.JWKSet.from_json(json.dumps(_get_json(discovery["jwks_uri"])))
    claims = json.loads(jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"]).claims)
    holder = SandboxClient.objects.get(client_id=client_id).holders.get(given_name="Camille")
    assert claims["sub"] == holder.test_identifier
    assert claims["nonce"] == nonce

    # The editor reads the calls; a new one appears when the list is refreshed in place.
    page.goto(f"{live_server.url}/bac-a-sable/dossiers/{dossier.pk}/")
    calls = page.locator("#appels-bac-a-sable")
    expect(calls.get_by_role("cell", name="Demande d’autorisation")).to_be_visible()
    expect(calls.get_by_role("cell", name="Échange du code contre des jetons")).to_be_visible()
    expect(calls.get_by_text("Réussi").first).to_be_visible()
    assert_no_axe_violations(page)
    userinfo = _get_json(
        f"{live_server.url}/bac-a-sable/oauth/userinfo/",
        Authorization=f"Bearer {tokens['access_token']}",
    )
    assert userinfo == {"sub": holder.test_identifier}
    expect(calls.get_by_role("cell", name="Lecture de l’identité (userinfo)")).to_have_count(0)
    page.get_by_role("link", name="Actualiser la liste des appels").click()
    expect(calls.get_by_role("cell", name="Lecture de l’identité (userinfo)")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Bac à sable de l’appariement")  # swapped in place
    assert_no_axe_violations(page)

"""The sandbox's FHIR measures endpoint in the real-server benchmark (`benchmarks.http`, page
`fhir_measures`): a valid measures Bundle POSTed with a real sandbox access token, side by side
with the bare view like every page.

- `fhir_env`: the sandbox's id_token key in the servers' environment (a throwaway one);
- `fhir_seed` (Django side, from `benchmarks._http_data seed`): a data-exchange service of the
  benchmark's editor asking for the measures API, its dossier and sandbox client (the real
  services: `dossier_create`, `sandbox_client_create`), a holder's consent and an access token
  stored as django-oauth-toolkit stores one (hashed), valid for two hours; the Bundle posted.
- `fhir_wrk` / `check_fhir` (no Django): `wrk -s wrk_fhir.lua` with the token and the body in
  its environment; one POST checked first (200 and a `transaction-response`).

Each request validates the Bundle (fhir.resources' R4B models, then the rules of the guide)
and records the call (one INSERT), as the endpoint always does: the figure is the endpoint's
whole cost. The target (≥ 0.05 × the bare view) is in `benchmarks.http`.
"""

import json
import os
import secrets
import subprocess
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path

from ._http_client import WRK_CONNECTIONS, WRK_THREADS, WrkRun, parse_wrk
from .harness import PACKAGE_DIR

PAGE = "fhir_measures"
WRK_FHIR_SCRIPT = PACKAGE_DIR / "wrk_fhir.lua"
SERVICE_NAME = "Service FHIR du benchmark"
TOKEN_LIFETIME = timedelta(hours=2)
#: The feed's subject: a fictitious INS-shaped identifier (it starts with 9, as the sandbox's do).
SUBJECT = "984059912345678"


def fhir_env(folder: Path) -> dict[str, str]:
    """The server's environment for the sandbox: a throwaway key for its id_tokens (production
    has one; without it no sandbox client can be created)."""
    from sandbox.keys import oidc_key_generate  # cryptography only, no Django

    return {"SANDBOX_OIDC_RSA_KEY_FILE": str(oidc_key_generate(folder / "sandbox" / "oidc.pem"))}


# ---------------------------------------------------------------------------------------------
# Django side: the seed step
# ---------------------------------------------------------------------------------------------


def fhir_seed(editor) -> dict:
    """A sandbox client whose dossier asks for the measures API, and a token to call it."""
    from django.urls import reverse
    from django.utils import timezone
    from oauth2_provider.models import set_token_value

    from applications.domain.dossiers import dossier_create
    from applications.models import Orientation, Service
    from portal.organisations.models import Membership
    from sandbox.domain.clients import sandbox_client_create
    from sandbox.domain.consents import consent_record
    from sandbox.domain.fhir_metadata import example_measures_bundle
    from sandbox.models import SandboxAccessToken, SandboxClient

    client = SandboxClient.objects.filter(dossier__service__name=SERVICE_NAME).first()
    if client is None:
        organisation = Membership.objects.filter(user=editor).first().organisation
        service = Service.objects.create(
            organisation=organisation,
            name=SERVICE_NAME,
            short_description="Un service qui envoie des mesures au bac à sable.",
            requests_data_exchange=True,
            mes_apis=["measures"],
        )
        Orientation.objects.create(service=service, targets_users=True, purposes=["care"])
        dossier = dossier_create(actor=editor, service=service)
        client, _secret = sandbox_client_create(
            dossier=dossier, actor=editor, redirect_uris=["http://127.0.0.1:8765/callback"]
        )
    holder = client.holders.first()
    scopes = ["openid", "mesures"]
    consent_record(holder=holder, scopes=scopes)
    raw = secrets.token_urlsafe(30)
    token = SandboxAccessToken(
        user=holder,
        application=client,
        scope=" ".join(scopes),
        expires=timezone.now() + TOKEN_LIFETIME,
    )
    set_token_value(token, raw)
    token.save()
    bundle = example_measures_bundle(
        subject_identifier=SUBJECT, when=timezone.localtime().isoformat(timespec="seconds")
    )
    return {"url": reverse("sandbox:fhir-base"), "token": raw, "body": json.dumps(bundle)}


# ---------------------------------------------------------------------------------------------
# Client side: wrk, and one checked request
# ---------------------------------------------------------------------------------------------


def check_fhir(port: int, url: str, token: str, body: str) -> int:
    """One POST answers 200 with a transaction-response (wrk would time refusals otherwise)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            url,
            body.encode(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    if response.status != 200 or '"transaction-response"' not in text:
        raise AssertionError(f"POST {url} : statut {response.status}\n{text[:2000]}")
    return len(body.encode())


def fhir_wrk(
    url: str,
    *,
    token: str,
    body: str,
    folder: Path,
    duration_s: int,
    threads: int = WRK_THREADS,
    connections: int = WRK_CONNECTIONS,
) -> WrkRun:
    body_file = folder / "fhir_measures_body.json"
    body_file.write_text(body, encoding="utf-8")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s"]
    command += ["-s", str(WRK_FHIR_SCRIPT), url]
    env = {**os.environ, "WRK_FHIR_BODY": str(body_file), "WRK_FHIR_TOKEN": token}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration_s + 60, check=True, env=env
    )
    return parse_wrk(result.stdout)

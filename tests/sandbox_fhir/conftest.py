"""The sandbox's FHIR endpoints called as an editor's service calls them: with an access token
obtained through the real OAuth2 pairing (the fixtures of tests/sandbox_oauth), and the
official examples of the guides (tests/sandbox/fixtures)."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.sandbox_oauth.conftest import (  # noqa: F401  (fixtures, reused as they are)
    Pairing,
    dossier,
    dossier_editor,
    holder_agent,
    organisation,
    other_sandbox,
    pairing,
    sandbox,
    service_backend,
)

FHIR_JSON = "application/fhir+json"


@pytest.fixture(autouse=True)
def _french():
    """The diagnostics are checked in French, whatever the catalogue holds for English."""
    with translation.override("fr"):
        yield


class FhirService:
    """The editor's service calling the FHIR endpoints with a token (no cookie, no CSRF)."""

    def __init__(self, token: str | None):
        self.http = Client(enforce_csrf_checks=True)
        self.token = token

    def headers(self, token=None):
        token = self.token if token is None else token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def post(self, name: str, body, *, content_type: str = FHIR_JSON, token=None, **extra):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.http.post(
            reverse(name), data, content_type=content_type, **self.headers(token), **extra
        )

    def measure(self, bundle, **options):
        return self.post("sandbox:fhir-base", bundle, **options)

    def document(self, document, **options):
        return self.post("sandbox:fhir-document-reference", document, **options)

    def appointment(self, appointment, **options):
        return self.post("sandbox:fhir-appointment", appointment, **options)


@pytest.fixture
def tokens(pairing):  # noqa: F811 (the imported fixture)
    """The tokens of a pairing with the dossier's measures (`openid mesures`)."""
    return pairing.tokens()


@pytest.fixture
def service(tokens):
    return FhirService(tokens["access_token"])


def paired(run: Pairing, scope: str) -> FhirService:
    """A service holding an access token of `run`'s client for `scope`."""
    response = run.exchange(run.code(scope=scope))
    assert response.status_code == 200, response.content
    return FhirService(json.loads(response.content)["access_token"])

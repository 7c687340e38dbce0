"""The sandbox's OAuth2 pairing driven through Django's test client, as a service and a browser
would: the editor's pages, the holder's sign-in and consent, the token endpoint."""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from applications.domain.dossiers import dossier_create
from sandbox.domain.clients import sandbox_client_create
from sandbox.models import SandboxClient, SandboxHolder
from tests.conftest import SignedInClient
from tests.factories.dossiers import ServiceFactory, small_referential
from tests.factories.people import OrganisationFactory, editor

REDIRECT_URI = "http://127.0.0.1:8765/callback"


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, its S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def dossier(organisation):
    """A draft dossier whose service asks for the measures and documents APIs."""
    small_referential()
    service = ServiceFactory(
        organisation=organisation,
        requests_data_exchange=True,
        mes_apis=["measures", "documents"],
    )
    return dossier_create(actor=editor(organisation), service=service)


@pytest.fixture
def dossier_editor(organisation, dossier):
    return editor(organisation)


@pytest.fixture
def sandbox(dossier, dossier_editor):
    """(client, secret) of the dossier, created by its editor."""
    return sandbox_client_create(
        dossier=dossier, actor=dossier_editor, redirect_uris=[REDIRECT_URI]
    )


@pytest.fixture
def other_sandbox(organisation):
    """Another data-exchange dossier of the same organisation, with its client: (client, secret)."""

    def make(apis=("measures",)):
        person = editor(organisation)
        service = ServiceFactory(
            organisation=organisation, requests_data_exchange=True, mes_apis=list(apis)
        )
        other = dossier_create(actor=person, service=service)
        return sandbox_client_create(dossier=other, actor=person, redirect_uris=[REDIRECT_URI])

    return make


@pytest.fixture
def holder_agent():
    """The holder's browser (a test client): no portal account."""
    return SignedInClient()


@pytest.fixture
def service_backend():
    """The editor's service calling the token endpoint, server to server (no cookie)."""
    return Client()


@dataclass
class Pairing:
    """One pairing run: authorization request, holder's sign-in and consent, token exchange."""

    browser: Client
    backend: Client
    client: SandboxClient
    secret: str
    holder: SandboxHolder
    verifier: str = ""
    challenge: str = ""
    state: str = ""
    nonce: str = ""

    def __post_init__(self):
        self.verifier, self.challenge = pkce_pair()
        self.state = secrets.token_urlsafe(12)
        self.nonce = secrets.token_urlsafe(12)

    def authorize_url(self, **parameters) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid mesures",
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        query.update(parameters)
        query = {key: value for key, value in query.items() if value is not None}
        return reverse("oauth2_provider:authorize") + "?" + urlencode(query)

    def sign_in(self, next_url: str):
        """The sign-in page the authorization request leads to, then the holder's choice."""
        response = self.browser.get(next_url)
        assert response.status_code == 302, response
        return self.sign_in_at(response["Location"])

    def sign_in_at(self, sign_in_url: str):
        assert path_of(sign_in_url) == reverse("sandbox:holder-sign-in")
        page = self.browser.get(sign_in_url)
        assert page.status_code == 200
        return self.browser.post(
            sign_in_url,
            {
                "holder": self.holder.pk,
                "client_id": self.client.client_id,
                "next": page.context["form"]["next"].value(),
            },
        )

    def consent_page(self, **parameters):
        """The consent page of an authorization request, after signing in if need be."""
        url = self.authorize_url(**parameters)
        page = self.browser.get(url)
        if page.status_code == 302 and path_of(page["Location"]) == reverse(
            "sandbox:holder-sign-in"
        ):
            response = self.sign_in_at(page["Location"])
            assert response.status_code == 302 and response["Location"] == url, response
            page = self.browser.get(url)
        return page

    def answer(self, page, *, allow: bool):
        data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        if allow:
            data["allow"] = "on"
        return self.browser.post(reverse("oauth2_provider:authorize"), data)

    def code(self, **parameters) -> str:
        """Run the authorization up to the code the service receives on its redirect URI."""
        response = self.answer(self.consent_page(**parameters), allow=True)
        assert response.status_code == 302, response
        location = response["Location"]
        assert location.startswith(REDIRECT_URI + "?"), location
        answer = query_of(location)
        assert answer["state"] == self.state
        return answer["code"]

    def token(self, data: dict, *, secret: str | None = None):
        return self.backend.post(
            reverse("oauth2_provider:token"),
            data,
            HTTP_AUTHORIZATION=basic_auth(self.client.client_id, secret or self.secret),
        )

    def exchange(self, code: str, *, verifier: str | None = None, secret: str | None = None):
        return self.token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": self.verifier if verifier is None else verifier,
            },
            secret=secret,
        )

    def refresh(self, refresh_token: str):
        return self.token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def tokens(self) -> dict:
        response = self.exchange(self.code())
        assert response.status_code == 200, response.content
        return json.loads(response.content)

    def userinfo(self, access_token: str):
        return self.backend.get(
            reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}"
        )

    def introspect(self, token: str) -> dict:
        response = self.backend.post(
            reverse("oauth2_provider:introspect"),
            {"token": token},
            HTTP_AUTHORIZATION=basic_auth(self.client.client_id, self.secret),
        )
        assert response.status_code == 200, response
        return json.loads(response.content)


@pytest.fixture
def pairing(sandbox, holder_agent, service_backend):
    client, secret = sandbox
    return Pairing(
        browser=holder_agent,
        backend=service_backend,
        client=client,
        secret=secret,
        holder=client.holders.first(),
    )

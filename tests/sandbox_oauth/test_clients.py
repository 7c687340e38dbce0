"""The editor's sandbox page: creating the dossier's client (the secret shown once), rotating the
secret, the redirect URIs' rule; who may see and change it."""

import json

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse

from applications.domain.dossiers import dossier_create
from sandbox.domain.clients import sandbox_client_create
from sandbox.enums import CallKind
from sandbox.models import SandboxCall, SandboxClient, SandboxHolder
from tests.assertions import assert_nothing_changed
from tests.factories.dossiers import ServiceFactory, dossier_in_state
from tests.factories.people import OrganisationFactory, editor, expert

from .conftest import REDIRECT_URI, basic_auth

pytestmark = pytest.mark.django_db


def _detail(dossier):
    return reverse("sandbox:client-detail", args=[dossier.pk])


def _create(dossier):
    return reverse("sandbox:client-create", args=[dossier.pk])


def test_the_editor_creates_the_client_and_reads_its_secret_once(client, dossier, dossier_editor):
    client.force_login(dossier_editor)
    page = client.get(_detail(dossier))
    assert page.status_code == 200
    assert "Créer le client du bac à sable" in page.content.decode()
    assert "spécifications publiques" in page.content.decode()

    response = client.post(
        _create(dossier), {"redirect_uris": f"{REDIRECT_URI}\nhttps://service.example/retour"}
    )

    assert response.status_code == 201
    sandbox_client = SandboxClient.objects.get(dossier=dossier)
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert sandbox_client.client_id in response.content.decode()
    assert sandbox_client.client_secret != secret  # only a hash is stored
    assert check_password(secret, sandbox_client.client_secret)
    assert sandbox_client.redirect_uri_list == [REDIRECT_URI, "https://service.example/retour"]
    assert sandbox_client.user == dossier_editor
    assert SandboxHolder.objects.filter(client=sandbox_client).count() == 3
    holder = sandbox_client.holders.first()
    assert holder.test_identifier.startswith("9") and len(holder.test_identifier) == 15
    call = SandboxCall.objects.get(client=sandbox_client)
    assert call.kind == CallKind.CLIENT_CREATED and call.actor == dossier_editor
    assert secret not in call.verdict

    again = client.get(_detail(dossier)).content.decode()
    assert sandbox_client.client_id in again
    assert secret not in again
    assert holder.test_identifier in again


@pytest.mark.parametrize(
    "uri, message",
    [
        ("http://service.example/retour", "le http:// n’est accepté que vers localhost"),
        ("ftp://service.example/retour", "doit être une adresse complète commençant par https://"),
        ("/retour", "doit être une adresse complète"),
        ("https://service.example/retour#fragment", "ne doit pas contenir de fragment"),
        ("https://*.service.example/retour", "les jokers (*) ne sont pas acceptés"),
        ("https://moi:secret@service.example/retour", "ne doit pas contenir d’identifiant"),
        ("https://service.example:99999/retour", "n’est pas une adresse web valide"),
    ],
)
def test_a_redirect_uri_the_rule_refuses_saves_nothing(
    client, dossier, dossier_editor, uri, message
):
    client.force_login(dossier_editor)
    with assert_nothing_changed(dossier, tables=(SandboxClient, SandboxHolder, SandboxCall)):
        response = client.post(_create(dossier), {"redirect_uris": f"{REDIRECT_URI}\n{uri}"})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "uri",
    [
        "https://service.example/oauth/retour?source=mes",
        "http://localhost:3000/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:8080/callback",
    ],
)
def test_https_and_loopback_redirect_uris_are_accepted(client, dossier, dossier_editor, uri):
    client.force_login(dossier_editor)
    assert client.post(_create(dossier), {"redirect_uris": uri}).status_code == 201
    assert SandboxClient.objects.get(dossier=dossier).redirect_uri_list == [uri]


def test_a_second_client_is_refused(client, dossier, dossier_editor, sandbox):
    client.force_login(dossier_editor)
    with assert_nothing_changed(dossier, tables=(SandboxClient, SandboxHolder)):
        response = client.post(_create(dossier), {"redirect_uris": REDIRECT_URI})
    assert response.status_code == 409
    assert "a déjà son client" in response.content.decode()
    assert SandboxClient.objects.filter(dossier=dossier).count() == 1


def test_rotating_the_secret_shows_the_new_one_once_and_the_old_one_stops_working(
    client, dossier_editor, pairing
):
    client.force_login(dossier_editor)
    url = reverse("sandbox:client-rotate-secret", args=[pairing.client.dossier_id])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "irréversible" in confirm.content.decode()

    response = client.post(url)

    assert response.status_code == 200
    new_secret = response.context["secret"]
    assert new_secret != pairing.secret and new_secret in response.content.decode()
    pairing.client.refresh_from_db()
    assert pairing.client.secret_rotated_at is not None
    old = pairing.exchange(pairing.code())
    assert old.status_code == 401 and json.loads(old.content)["error"] == "invalid_client"
    new = pairing.exchange(pairing.code(), secret=new_secret)
    assert new.status_code == 200, new.content
    assert SandboxCall.objects.filter(client=pairing.client, kind=CallKind.SECRET_ROTATED).count()


def test_the_editor_changes_the_redirect_uris(client, dossier, dossier_editor, sandbox):
    client.force_login(dossier_editor)
    url = reverse("sandbox:client-redirect-uris", args=[dossier.pk])
    assert REDIRECT_URI in client.get(url).content.decode()

    refused = client.post(url, {"redirect_uris": "http://service.example/cb"})
    assert refused.status_code == 400
    assert SandboxClient.objects.get(dossier=dossier).redirect_uri_list == [REDIRECT_URI]

    response = client.post(url, {"redirect_uris": "https://service.example/cb"})
    assert response.status_code == 302
    assert SandboxClient.objects.get(dossier=dossier).redirect_uri_list == [
        "https://service.example/cb"
    ]


def test_another_organisation_gets_a_404(client, dossier, sandbox):
    client.force_login(editor(OrganisationFactory()))
    for url in (
        _detail(dossier),
        reverse("sandbox:client-rotate-secret", args=[dossier.pk]),
        reverse("sandbox:client-redirect-uris", args=[dossier.pk]),
    ):
        assert client.get(url).status_code == 404
    with assert_nothing_changed(dossier, tables=(SandboxClient, SandboxCall)):
        assert client.post(_create(dossier), {"redirect_uris": REDIRECT_URI}).status_code == 404
        rotate = reverse("sandbox:client-rotate-secret", args=[dossier.pk])
        assert client.post(rotate).status_code == 404


def test_an_unassigned_expert_gets_a_404(client, dossier, sandbox):
    client.force_login(expert("data_exchange_security"))
    assert client.get(_detail(dossier)).status_code == 404


def test_a_dossier_without_data_exchange_has_no_sandbox(client, organisation, dossier):
    person = editor(organisation)
    plain = dossier_create(actor=person, service=ServiceFactory(organisation=organisation))
    client.force_login(person)
    assert client.get(_detail(plain)).status_code == 404
    assert client.post(_create(plain), {"redirect_uris": REDIRECT_URI}).status_code == 404
    assert (
        "Bac à sable"
        not in client.get(reverse("applications:dossier-detail", args=[plain.pk])).content.decode()
    )


def test_staff_who_see_the_dossier_read_the_sandbox_but_cannot_change_it(client):
    dossier, cast = dossier_in_state("submitted", requests_data_exchange=True)
    sandbox_client, _secret = sandbox_client_create(
        dossier=dossier, actor=cast.editor, redirect_uris=[REDIRECT_URI]
    )
    client.force_login(cast.instructor)
    page = client.get(_detail(dossier))
    assert page.status_code == 200
    content = page.content.decode()
    assert sandbox_client.client_id in content and "lecture seule" in content
    assert "Générer un nouveau secret" not in content
    rotate = reverse("sandbox:client-rotate-secret", args=[dossier.pk])
    with assert_nothing_changed(dossier, rows=(sandbox_client,), tables=(SandboxCall,)):
        assert client.post(rotate).status_code == 403
        uris = reverse("sandbox:client-redirect-uris", args=[dossier.pk])
        assert client.post(uris, {"redirect_uris": "https://x.example/cb"}).status_code == 403


def test_a_closed_dossier_sandbox_is_read_only(client):
    dossier, cast = dossier_in_state("withdrawn", requests_data_exchange=True)
    client.force_login(cast.editor)
    page = client.get(_detail(dossier))
    assert page.status_code == 200
    assert "Créer le client" not in page.content.decode()
    with assert_nothing_changed(dossier, tables=(SandboxClient,)):
        assert client.post(_create(dossier), {"redirect_uris": REDIRECT_URI}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_portal_login(dossier):
    response = Client().get(_detail(dossier))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_dossier_page_links_the_sandbox(client, dossier, dossier_editor):
    client.force_login(dossier_editor)
    page = client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Bac à sable de l’appariement" in page
    assert _detail(dossier) in page


@pytest.mark.parametrize("calls", [1, 3])
def test_the_sandbox_page_reads_a_fixed_number_of_queries(
    client, dossier, dossier_editor, pairing, calls, django_assert_num_queries
):
    for _ in range(calls):
        pairing.backend.post(
            reverse("oauth2_provider:token"),
            {"grant_type": "authorization_code", "code": "nope", "redirect_uri": REDIRECT_URI},
            HTTP_AUTHORIZATION=basic_auth(pairing.client.client_id, pairing.secret),
        )
    client.force_login(dossier_editor)
    client.get(_detail(dossier))  # warm the session
    with django_assert_num_queries(QUERIES):
        assert client.get(_detail(dossier)).status_code == 200


#: The session, the user with their roles, their organisations (read once for the rules and
#: the menu), the dossier, the client, its holders, the calls' count and page.
QUERIES = 8


def test_the_calls_region_refreshes_alone_with_htmx(client, dossier, dossier_editor, sandbox):
    client.force_login(dossier_editor)
    response = client.get(
        _detail(dossier), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="appels-bac-a-sable"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="appels-bac-a-sable"' in content
    assert "<html" not in content
    assert "Création du client" in content

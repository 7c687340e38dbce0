"""The editor reads the FHIR calls on the dossier's sandbox page: the case and the measure, the
status, each issue on its line with its expression; the list asks for news every few seconds
and gets an empty 204 while nothing changed."""

import pytest
from django.urls import reverse

from sandbox.enums import CallKind
from sandbox.models import SandboxCall
from tests.factories.people import OrganisationFactory, editor
from tests.sandbox.fhir.examples import feed, obs_of, observation

pytestmark = pytest.mark.django_db


def _detail(dossier) -> str:
    return reverse("sandbox:client-detail", args=[dossier.pk])


def _calls(dossier, **query) -> str:
    url = reverse("sandbox:client-calls", args=[dossier.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_fhir_calls_read_with_their_case_measure_and_each_issue(
    client, dossier, dossier_editor, pairing, service
):
    assert service.measure(feed(observation("body_height"))).status_code == 200
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["valueQuantity"]["code"] = "g"
    del obs_of(bundle)["meta"]
    assert service.measure(bundle).status_code == 422

    client.force_login(dossier_editor)
    response = client.get(_detail(dossier))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Mesures de santé — Taille" in content
    assert "Mesures de santé — Poids" in content
    assert "Mesure : Poids" in content
    assert (
        '<code class="sandbox-break-all">Bundle.entry[0].resource.valueQuantity.code</code>'
        in content
    )
    assert "(règle observation.unit)" in content
    assert "fr-badge--error" in content and "fr-badge--success" in content
    assert "HTTP 422" in content
    assert 'aria-live="polite"' in content
    assert 'hx-trigger="every 3s"' in content
    # Where to call, and how.
    assert reverse("sandbox:fhir-base") in content
    assert reverse("sandbox:fhir-document-reference") in content
    assert "curl -X POST" in content and "Authorization: Bearer JETON" in content
    assert pairing.holder.test_identifier in content  # the example's subject


def test_the_list_answers_204_while_no_call_arrived(client, dossier, dossier_editor, service):
    client.force_login(dossier_editor)
    count = SandboxCall.objects.filter(client__dossier=dossier).count()

    unchanged = client.get(_calls(dossier, depuis=count), HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204
    assert unchanged.content == b""

    assert service.measure(feed(observation("body_weight"))).status_code == 200
    changed = client.get(_calls(dossier, depuis=count), HTTP_HX_REQUEST="true")

    assert changed.status_code == 200
    content = changed.content.decode()
    assert "<html" not in content
    assert "Mesures de santé — Poids" in content
    assert f"depuis={count + 1}" in content  # the next poll knows what it shows
    assert client.get(_calls(dossier, depuis=count + 1)).status_code == 204


def test_the_list_without_a_count_is_sent(client, dossier, dossier_editor, sandbox):
    client.force_login(dossier_editor)
    response = client.get(_calls(dossier))
    assert response.status_code == 200
    assert "Création du client" in response.content.decode()


def test_the_list_is_paginated(client, dossier, dossier_editor, sandbox):
    client_row = sandbox[0]
    SandboxCall.objects.bulk_create(
        SandboxCall(client=client_row, kind=CallKind.FHIR, outcome="refused", case="measures")
        for _ in range(25)
    )
    client.force_login(dossier_editor)
    second = client.get(_calls(dossier, page=2))
    assert second.status_code == 200
    content = second.content.decode()
    assert "Page 2 sur 2" in content
    assert "page=2" in content  # the poll stays on its page


def test_another_organisation_gets_a_404(client, dossier, sandbox):
    client.force_login(editor(OrganisationFactory()))
    assert client.get(_calls(dossier, depuis=0)).status_code == 404

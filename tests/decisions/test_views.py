"""The decision on the dossier page and its download: only for people who may see the dossier."""

import pytest
from django.urls import reverse

from decisions.domain.documents import decision_render
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor

from .helpers import decided

pytestmark = pytest.mark.django_db


def _download_url(decision):
    return reverse("decisions:decision-download", args=[decision.pk])


def _detail_url(dossier):
    return reverse("applications:dossier-detail", args=[dossier.pk])


def test_dossier_page_shows_the_pending_document_then_the_download_link(client):
    decision, dossier, cast = decided()
    client.force_login(cast.editor)

    pending = client.get(_detail_url(dossier)).content.decode()
    assert f"Décision n° {decision.number}" in pending
    assert "Document en cours de génération" in pending
    assert 'hx-trigger="every 5s"' in pending
    assert _download_url(decision) not in pending

    decision_render(decision_id=decision.pk)
    ready = client.get(_detail_url(dossier)).content.decode()
    assert "Document en cours de génération" not in ready
    assert _download_url(decision) in ready
    assert "hx-trigger" not in ready


def test_document_fragment_stops_polling_once_the_pdf_is_ready(client):
    decision, _dossier, cast = decided()
    client.force_login(cast.editor)
    url = reverse("decisions:decision-document", args=[decision.pk])
    assert "hx-get" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    decision_render(decision_id=decision.pk)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in fragment
    assert _download_url(decision) in fragment


@pytest.mark.parametrize("who", ["editor", "ministry", "instructor"])
def test_people_who_see_the_dossier_download_the_pdf_as_an_attachment(client, who):
    decision, _dossier, cast = decided()
    decision_render(decision_id=decision.pk)
    decision.refresh_from_db()
    client.force_login(getattr(cast, who))
    response = client.get(_download_url(decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="decision-{decision.number}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")


def test_editor_of_another_organisation_gets_404(client):
    decision, dossier, _cast = decided()
    decision_render(decision_id=decision.pk)
    client.force_login(editor(OrganisationFactory()))
    document = reverse("decisions:decision-document", args=[decision.pk])
    with assert_nothing_changed(dossier):
        assert client.get(_download_url(decision)).status_code == 404
        assert client.get(document).status_code == 404


def test_anonymous_is_sent_to_login(client):
    decision, _dossier, _cast = decided()
    decision_render(decision_id=decision.pk)
    response = client.get(_download_url(decision))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_pending_document_cannot_be_downloaded(client):
    decision, dossier, cast = decided()
    client.force_login(cast.editor)
    with assert_nothing_changed(dossier):
        assert client.get(_download_url(decision)).status_code == 404

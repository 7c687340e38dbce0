"""The convention pages: who sees them (404 otherwise), who acts (403 otherwise), the download
through a permission check, and each signature made in two steps (the form, then the
confirmation of an irreversible act), with the document's hash carried along."""

import pytest
from django.urls import reverse

from applications.domain.dossier_page import SECTIONS
from conventions.models import Convention
from tests.assertions import assert_nothing_changed
from tests.conventions.helpers import read
from tests.decisions.helpers import pdf_text
from tests.factories import OrganisationFactory, editor, staff_user
from tests.factories.conventions import (
    ADMIN_SIGNATORY_NAME,
    SIGNATORY_NAME,
    accepted,
    drawn_up,
    referenced_dossier,
    signed,
)

pytestmark = pytest.mark.django_db

CHANGED = "Le document a changé depuis que vous l&#x27;avez ouvert"


def _detail(dossier_pk):
    return reverse("conventions:convention-detail", args=[dossier_pk])


def _url(name, convention):
    return reverse(f"conventions:convention-{name}", args=[convention.pk])


def _text(response) -> str:
    """The page's HTML, long hashes joined again (they may wrap at each <wbr>)."""
    return response.content.decode().replace("<wbr>", "")


def _accept_data(convention, **overrides):
    return {
        "signatory_name": SIGNATORY_NAME,
        "signatory_title": "Présidente",
        "statement_accepted": "on",
        "seen_sha256": convention.pdf_sha256,
        **overrides,
    }


def _countersign_data(convention, **overrides):
    return {
        "signatory_name": ADMIN_SIGNATORY_NAME,
        "signatory_title": "Chef de bureau",
        "seen_sha256": convention.editor_signed_sha256,
        **overrides,
    }


def nothing_signed(convention):
    return assert_nothing_changed(convention.dossier, rows=(convention,), tables=(Convention,))


def test_sections_registered_on_the_dossier_page():
    assert "convention" in SECTIONS


def test_admin_draws_up_the_convention_from_its_page(client):
    dossier, _decision, cast = referenced_dossier()
    client.force_login(cast.admin)
    page = client.get(_detail(dossier.pk)).content.decode()
    assert "Établir la convention" in page
    response = client.post(reverse("conventions:convention-draw-up", args=[dossier.pk]))
    assert response.status_code == 302
    convention = Convention.objects.get(dossier=dossier)
    page = client.get(_detail(dossier.pk)).content.decode()
    assert convention.number in page and "Document en cours de génération" in page
    assert 'hx-trigger="every 5s"' in page


@pytest.mark.parametrize("who", ["instructor", "ministry", "editor"])
def test_others_may_not_draw_up(client, who):
    dossier, _decision, cast = referenced_dossier()
    client.force_login(getattr(cast, who))
    assert "Établir la convention" not in client.get(_detail(dossier.pk)).content.decode()
    with assert_nothing_changed(dossier, tables=(Convention,)):
        response = client.post(reverse("conventions:convention-draw-up", args=[dossier.pk]))
    assert response.status_code == 403


def test_draw_up_refused_while_the_decision_pdf_is_pending_says_why(client):
    dossier, decision, cast = referenced_dossier(render_decision=False)
    client.force_login(cast.admin)
    with assert_nothing_changed(dossier, tables=(Convention,)):
        response = client.post(reverse("conventions:convention-draw-up", args=[dossier.pk]))
    assert response.status_code == 409
    assert decision.number in response.content.decode()


def test_editor_signs_in_two_steps(client):
    convention, cast = drawn_up()
    client.force_login(cast.editor)
    page = _text(client.get(_detail(convention.dossier_id)))
    assert "Signer la convention" in page and convention.pdf_sha256 in page

    form = client.get(_url("accept", convention))
    assert form.status_code == 200
    body = form.content.decode()
    assert "Je certifie être le représentant légal de" in body
    assert f'value="{convention.pdf_sha256}"' in body

    with nothing_signed(convention):
        confirmation = client.post(_url("accept", convention), _accept_data(convention))
    assert confirmation.status_code == 200
    body = confirmation.content.decode()
    assert "Cette action est irréversible." in body and "Confirmer et signer" in body

    response = client.post(_url("accept", convention), _accept_data(convention, confirmed="on"))
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.is_accepted and convention.editor_signer == cast.editor
    page = _text(client.get(_detail(convention.dossier_id)))
    assert SIGNATORY_NAME in page and convention.editor_signed_sha256 in page
    assert "Signer la convention" not in page


def test_editor_who_does_not_tick_the_statement_is_told(client):
    convention, cast = drawn_up()
    client.force_login(cast.editor)
    data = _accept_data(convention, confirmed="on")
    del data["statement_accepted"]
    with nothing_signed(convention):
        response = client.post(_url("accept", convention), data)
    assert response.status_code == 400
    assert "Cochez la déclaration" in response.content.decode()


def test_editor_signing_a_document_that_changed_is_told_to_read_it_again(client):
    convention, cast = drawn_up()
    client.force_login(cast.editor)
    data = _accept_data(convention, confirmed="on", seen_sha256="a" * 64)
    with nothing_signed(convention):
        response = client.post(_url("accept", convention), data)
    assert response.status_code == 409
    assert CHANGED in response.content.decode()


def test_malformed_hash_is_a_bad_request(client):
    convention, cast = drawn_up()
    client.force_login(cast.editor)
    with nothing_signed(convention):
        response = client.post(
            _url("accept", convention), _accept_data(convention, confirmed="on", seen_sha256="x")
        )
    assert response.status_code == 400


def test_admin_countersigns_in_two_steps_and_downloads_the_signed_pdf(client):
    convention, cast = accepted()
    client.force_login(cast.admin)
    assert (
        "Contresigner la convention" in client.get(_detail(convention.dossier_id)).content.decode()
    )
    form = client.get(_url("countersign", convention)).content.decode()
    assert f'value="{convention.editor_signed_sha256}"' in form
    with nothing_signed(convention):
        assert (
            client.post(_url("countersign", convention), _countersign_data(convention)).status_code
            == 200
        )
    response = client.post(
        _url("countersign", convention), _countersign_data(convention, confirmed="on")
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.is_signed

    download = client.get(_url("download", convention))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"] == (
        f'attachment; filename="convention-{convention.number}-signee.pdf"'
    )
    content = b"".join(download.streaming_content)
    assert content == read(convention.admin_signed_pdf)
    assert convention.decision_number in pdf_text(content)


@pytest.mark.parametrize("who", ["instructor", "editor", "ministry"])
def test_countersign_is_forbidden_to_others(client, who):
    convention, cast = accepted()
    client.force_login(getattr(cast, who))
    with nothing_signed(convention):
        assert client.get(_url("countersign", convention)).status_code == 403
        response = client.post(
            _url("countersign", convention), _countersign_data(convention, confirmed="on")
        )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["instructor", "admin"])
def test_accept_is_forbidden_to_the_team(client, who):
    convention, cast = drawn_up()
    client.force_login(getattr(cast, who))
    with nothing_signed(convention):
        response = client.post(_url("accept", convention), _accept_data(convention, confirmed="on"))
    assert response.status_code == 403


def test_another_organisations_editor_gets_404_everywhere(client):
    convention, _cast = accepted()
    client.force_login(editor(OrganisationFactory()))
    with nothing_signed(convention):
        assert client.get(_detail(convention.dossier_id)).status_code == 404
        assert client.get(_url("download", convention)).status_code == 404
        assert client.get(_url("document", convention)).status_code == 404
        assert client.get(_url("accept", convention)).status_code == 404
        assert client.post(_url("accept", convention), _accept_data(convention)).status_code == 404
        assert client.get(_url("countersign", convention)).status_code == 404
        draw_up = reverse("conventions:convention-draw-up", args=[convention.dossier_id])
        assert client.post(draw_up).status_code == 404


def test_experts_and_commission_members_do_not_see_the_convention(client):
    convention, cast = drawn_up()
    for person in (next(iter(cast.experts.values())), cast.member):
        client.force_login(person)
        assert client.get(_detail(convention.dossier_id)).status_code == 404
        assert client.get(_url("download", convention)).status_code == 404


def test_anonymous_is_sent_to_login(client):
    convention, _cast = drawn_up()
    response = client.get(_url("download", convention))
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_download_waits_for_the_document(client):
    convention, cast = drawn_up(render=False)
    client.force_login(cast.editor)
    assert client.get(_url("download", convention)).status_code == 404
    fragment = client.get(_url("document", convention)).content.decode()
    assert "hx-get" in fragment


def test_signature_page_already_signed_redirects_with_a_message(client):
    convention, cast = signed()
    client.force_login(cast.editor)
    response = client.get(_url("accept", convention), follow=True)
    assert response.redirect_chain[-1][0] == _detail(convention.dossier_id)
    assert "Cette signature n&#x27;est pas attendue de vous" in response.content.decode()
    client.force_login(staff_user("admin"))
    with nothing_signed(convention):
        response = client.post(
            _url("countersign", convention), _countersign_data(convention, confirmed="on")
        )
    assert response.status_code == 409
    assert "déjà signée par les deux parties" in response.content.decode()


def test_dossier_page_shows_the_convention_and_the_next_action(client):
    convention, cast = drawn_up()
    client.force_login(cast.editor)
    page = client.get(reverse("applications:dossier-detail", args=[convention.dossier_id]))
    assert "Signer la convention" in page.content.decode()
    assert _url("accept", convention) in page.content.decode()

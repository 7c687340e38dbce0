"""The two PAdES signatures of a convention: the whole flow up to `publish`, the checks made
before each signature (who, when, which document, an intact storage), and the e-mails queued."""

import hashlib

import pytest

from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from applications.models import Dossier
from catalogue.domain.publication import dossier_publish
from conventions.domain.documents import convention_render
from conventions.domain.exceptions import ConventionDocumentAltered, ConventionSigningUnavailable
from conventions.domain.services import convention_draw_up
from conventions.domain.signatures import (
    ADMINISTRATION_FIELD,
    EDITOR_FIELD,
    editor_statement,
)
from conventions.models import Convention
from portal.notifications.models import OutboxMessage
from portal.signing import verify_pdf
from tests.assertions import assert_nothing_changed
from tests.conventions.helpers import read
from tests.factories import OrganisationFactory, editor, staff_user
from tests.factories.conventions import (
    ADMIN_SIGNATORY_NAME,
    SIGNATORY_NAME,
    SIGNATORY_TITLE,
    accept,
    accepted,
    countersign,
    drawn_up,
    referenced_dossier,
    signed,
)
from tests.factories.dossiers import _approve_card

pytestmark = pytest.mark.django_db

CHANGED = "Le document a changé depuis que vous l'avez ouvert : relisez-le avant de signer."


def nothing_signed(convention):
    """No signature, file, dossier change, audit or outbox row written."""
    return assert_nothing_changed(convention.dossier, rows=(convention,))


def test_whole_flow_draw_up_render_accept_countersign_then_publish():
    dossier, decision, cast = referenced_dossier()
    _approve_card(dossier, cast)  # the catalogue's side of `publish` (tests/catalogue/)
    with pytest.raises(TransitionBlocked, match="la convention signée n'a pas été enregistrée"):
        dossier_publish(dossier=dossier, actor=cast.admin)

    convention = convention_draw_up(dossier=dossier, actor=cast.admin)
    assert convention.decision == decision and convention.pdf_status == "pending"
    convention_render(convention_id=convention.pk)
    convention.refresh_from_db()
    assert convention.awaits_editor

    accept(convention, cast.editor)
    convention.refresh_from_db()
    assert convention.awaits_administration
    assert (convention.editor_signer, convention.editor_signatory_name) == (
        cast.editor,
        SIGNATORY_NAME,
    )
    assert convention.editor_seen_sha256 == convention.pdf_sha256
    assert convention.editor_statement == editor_statement(convention)
    with pytest.raises(TransitionBlocked):  # one signature is not enough
        dossier_publish(dossier=Dossier.objects.get(pk=dossier.pk), actor=cast.admin)

    countersign(convention, cast.admin)
    convention.refresh_from_db()
    assert convention.is_signed and convention.signed_at == convention.admin_signed_at
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.convention_signed_at == convention.signed_at

    published = dossier_publish(dossier=dossier, actor=cast.admin)
    assert published.state == DossierState.PUBLISHED


def test_both_signatures_verify_and_the_first_stays_valid_after_the_second():
    convention, _cast = signed()
    editor_signed = read(convention.editor_signed_pdf)
    final = read(convention.admin_signed_pdf)
    assert hashlib.sha256(editor_signed).hexdigest() == convention.editor_signed_sha256
    assert hashlib.sha256(final).hexdigest() == convention.admin_signed_sha256
    # Incremental updates: each document starts with the bytes of the one before.
    assert editor_signed.startswith(read(convention.pdf))
    assert final.startswith(editor_signed)

    (only,) = verify_pdf(editor_signed)
    assert only.field_name == EDITOR_FIELD and only.ok and only.covers_whole_document

    first, second = verify_pdf(final)
    assert (first.field_name, second.field_name) == (EDITOR_FIELD, ADMINISTRATION_FIELD)
    assert first.ok and second.ok, (first, second)
    assert not first.covers_whole_document and second.covers_whole_document
    assert SIGNATORY_NAME in first.signer_name and SIGNATORY_TITLE in first.signer_name
    assert convention.organisation_name in first.signer_name
    assert f"Acceptation de la convention {convention.number}" in first.reason
    assert ADMIN_SIGNATORY_NAME in second.signer_name
    assert f"Contresignature de la convention {convention.number}" in second.reason


def test_accept_with_a_hash_other_than_the_current_document_is_refused():
    convention, cast = drawn_up()
    with nothing_signed(convention), pytest.raises(TransitionConflict, match=CHANGED):
        accept(convention, cast.editor, seen_sha256="0" * 64)


def test_countersign_with_the_hash_of_the_unsigned_document_is_refused():
    convention, cast = accepted()
    with nothing_signed(convention), pytest.raises(TransitionConflict, match=CHANGED):
        countersign(convention, cast.admin, seen_sha256=convention.pdf_sha256)


def test_accept_refuses_a_stored_document_altered_behind_the_portal(private_storage, caplog):
    convention, cast = drawn_up()
    path = private_storage / convention.pdf.name
    path.write_bytes(path.read_bytes() + b"\n% ajout\n")
    with nothing_signed(convention), pytest.raises(ConventionDocumentAltered):
        accept(convention, cast.editor)
    assert "ne correspond plus à son empreinte" in caplog.text
    assert (
        not (private_storage / convention.pdf.name)
        .with_name(convention.editor_signed_filename)
        .exists()
    )


def test_countersign_refuses_an_editor_signed_file_altered_or_removed(private_storage):
    convention, cast = accepted()
    path = private_storage / convention.editor_signed_pdf.name
    path.write_bytes(read(convention.pdf))  # the unsigned document put back in its place
    with nothing_signed(convention), pytest.raises(ConventionDocumentAltered):
        countersign(convention, cast.admin)
    path.unlink()
    with nothing_signed(convention), pytest.raises(ConventionDocumentAltered):
        countersign(convention, cast.admin)


def test_accept_refused_when_the_statement_is_not_ticked():
    convention, cast = drawn_up()
    with (
        nothing_signed(convention),
        pytest.raises(TransitionInvalid, match="Cochez la déclaration"),
    ):
        accept(convention, cast.editor, statement_accepted=False)


@pytest.mark.parametrize("field", ["signatory_name", "signatory_title"])
def test_accept_refused_without_the_signatory(field):
    convention, cast = drawn_up()
    with nothing_signed(convention), pytest.raises(TransitionInvalid):
        accept(convention, cast.editor, **{field: "   "})


def test_accept_refused_before_the_pdf_is_ready():
    convention, cast = drawn_up(render=False)
    with nothing_signed(convention), pytest.raises(TransitionNotAvailable, match="pas encore prêt"):
        accept(convention, cast.editor, seen_sha256="")


def test_accept_refused_once_accepted():
    convention, cast = accepted()
    with nothing_signed(convention), pytest.raises(TransitionNotAvailable, match="déjà été signée"):
        accept(convention, cast.editor)


def test_countersign_refused_before_the_editor_signed():
    convention, cast = drawn_up()
    with nothing_signed(convention), pytest.raises(TransitionNotAvailable, match="d'abord"):
        countersign(convention, cast.admin, seen_sha256=convention.pdf_sha256)


def test_countersign_refused_once_signed():
    convention, cast = signed()
    with nothing_signed(convention), pytest.raises(TransitionNotAvailable, match="déjà signée"):
        countersign(convention, cast.admin)


@pytest.mark.parametrize("who", ["instructor", "ministry", "admin", "other_editor", "member"])
def test_only_an_editor_of_the_organisation_accepts(who):
    convention, cast = drawn_up()
    actor = {
        "instructor": cast.instructor,
        "ministry": cast.ministry,
        "admin": cast.admin,
        "other_editor": editor(OrganisationFactory()),
        "member": cast.member,
    }[who]
    with nothing_signed(convention), pytest.raises(TransitionForbidden):
        accept(convention, actor)


@pytest.mark.parametrize("who", ["instructor", "ministry", "editor", "member"])
def test_only_an_administrator_countersigns(who):
    convention, cast = accepted()
    actor = {
        "instructor": cast.instructor,
        "ministry": cast.ministry,
        "editor": cast.editor,
        "member": cast.member,
    }[who]
    with nothing_signed(convention), pytest.raises(TransitionForbidden):
        countersign(convention, actor)


def test_any_administrator_may_countersign():
    convention, _cast = accepted()
    other = staff_user("admin")
    countersign(convention, other)
    assert Convention.objects.get(pk=convention.pk).admin_signer == other


def test_signing_not_configured_is_refused_with_nothing_written(settings):
    convention, cast = drawn_up()
    settings.PDF_SIGNING_KEY_FILE = ""
    with nothing_signed(convention), pytest.raises(ConventionSigningUnavailable) as refusal:
        accept(convention, cast.editor)
    assert refusal.value.status_code == 503


def test_superseded_convention_cannot_be_signed():
    convention, cast = drawn_up()
    Convention.objects.filter(pk=convention.pk).update(superseded_at=convention.drawn_up_at)
    with pytest.raises(TransitionNotAvailable, match="remplacée"):
        accept(convention, cast.editor)


def _queued(subject_part):
    return OutboxMessage.objects.filter(subject__contains=subject_part)


def test_each_step_queues_its_e_mails():
    convention, cast = drawn_up()
    ready = _queued("à signer")
    assert [m.to for m in ready] == [cast.editor.email]
    assert f"/conventions/dossier/{convention.dossier_id}/" in ready[0].body

    accept(convention, cast.editor)
    accepted_mail = _queued("à contresigner")
    assert [m.to for m in accepted_mail] == [cast.admin.email]
    assert SIGNATORY_NAME in accepted_mail[0].body

    other_admin = staff_user("admin")
    countersign(Convention.objects.get(pk=convention.pk), cast.admin)
    signed_mail = _queued("signée par les deux parties")
    # Both parties, except the administrator who countersigned (told of nothing they did).
    assert sorted(m.to for m in signed_mail) == sorted([cast.editor.email, other_admin.email])

"""The decision's PDF, rendered in the test process: its text, PDF/A, embedded fonts, the SHA-256,
idempotency, failures recorded and retried, and the editor's e-mail."""

import hashlib

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from applications.enums import DecisionOutcome
from decisions.domain.documents import MAX_ATTEMPTS, DecisionRenderError, decision_render
from decisions.domain.services import decision_correct
from decisions.models import Decision, PdfStatus
from portal.notifications.models import OutboxMessage
from portal.signing import verify_pdf
from tests.decisions.helpers import MOTIVES, decided, pdf_fonts, pdf_text, pdf_xmp

pytestmark = pytest.mark.django_db


def _rendered(decision):
    assert decision_render(decision_id=decision.pk) is not None
    decision.refresh_from_db()
    with decision.pdf.open("rb") as stream:
        return stream.read()


@pytest.fixture(scope="module")
def refused(django_db_setup, django_db_blocker):
    """(decision, dossier, cast, content): a refusal and its PDF, rendered once for the tests
    that only read the document (a decision costs a whole workflow, a PDF a WeasyPrint render
    and a signature); rolled back at the module's end. The plain static storage and a cache in
    memory, as tests/conftest.py gives each test."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    caches = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with (
        override_settings(STORAGES=storages, CACHES=caches),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        decision, dossier, cast = decided(DecisionOutcome.REFUSED)
        content = _rendered(decision)
        yield decision, dossier, cast, content
        transaction.set_rollback(True)


def test_pdf_states_the_decision(refused):
    decision, dossier, cast, content = refused
    text = pdf_text(content)
    for expected in [
        "RÉPUBLIQUE",
        "Ministère chargé de la santé",
        f"Décision n° {decision.number}",
        dossier.reference,
        dossier.service.name,
        dossier.service.organisation.name,
        dossier.service.organisation.siren,
        f"version {dossier.referential_version.code}",
        "Défavorable".lower(),
        "est refusé",
        "Refusé",
        MOTIVES,
        cast.ministry.get_full_name(),
        "Représentant du ministère chargé de la santé",
    ]:
        assert expected in text, expected


def test_pdf_of_a_referencing_without_motives_follows_the_opinion():
    decision, dossier, _cast = decided(DecisionOutcome.REFERENCED, motives="")
    text = pdf_text(_rendered(decision))
    assert "est référencé au catalogue de services de Mon espace santé" in text
    assert "La décision suit l'avis de la commission de référencement." in text


def test_pdf_is_pdf_a_with_every_font_embedded(refused):
    decision, _dossier, _cast, content = refused
    xmp = pdf_xmp(content)
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert f"Décision n° {decision.number}" in xmp  # the title, in the metadata
    fonts = pdf_fonts(content)
    assert fonts
    assert all(embedded == "yes" for _name, embedded in fonts), fonts
    assert any("Marianne" in name for name, _embedded in fonts), fonts


def test_pdf_is_signed_on_behalf_of_the_ministry(refused):
    decision, _dossier, _cast, content = refused
    [signature] = verify_pdf(content)
    assert signature.ok and signature.covers_whole_document
    assert signature.field_name == "Signature-ministere"
    assert signature.signer_name == decision.signatory_name
    assert signature.reason == f"Décision n° {decision.number} du ministère chargé de la santé"


def test_pdf_is_stored_privately_with_its_sha256(private_storage):
    decision, _dossier, _cast = decided()
    content = _rendered(decision)
    assert decision.pdf_status == PdfStatus.READY
    assert decision.pdf_generated_at is not None
    assert decision.pdf_attempts == 1
    assert decision.pdf.name == f"decisions/{decision.year}/decision-{decision.number}.pdf"
    assert (private_storage / decision.pdf.name).is_file()
    assert decision.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert content.startswith(b"%PDF-")


def test_rendering_twice_yields_one_document(private_storage):
    decision, _dossier, _cast = decided()
    first = _rendered(decision)
    sha, name = decision.pdf_sha256, decision.pdf.name

    assert decision_render(decision_id=decision.pk) is None

    decision.refresh_from_db()
    assert (decision.pdf_sha256, decision.pdf.name, decision.pdf_attempts) == (sha, name, 1)
    assert [p.name for p in (private_storage / "decisions").rglob("*.pdf")] == [
        f"decision-{decision.number}.pdf"
    ]
    with decision.pdf.open("rb") as stream:
        assert stream.read() == first
    assert OutboxMessage.objects.filter(subject__contains=decision.number).count() == 1


def test_rendering_a_decision_that_is_gone_does_nothing():
    assert decision_render(decision_id=987654321) is None


def test_editor_is_emailed_when_the_pdf_is_ready():
    decision, dossier, cast = decided()
    assert not OutboxMessage.objects.filter(subject__contains=decision.number).exists()
    _rendered(decision)
    message = OutboxMessage.objects.get(subject__contains=decision.number)
    assert message.to == cast.editor.email
    assert dossier.service.name in message.subject
    assert f"/dossiers/{dossier.pk}/" in message.body
    assert "est disponible" in message.body


def test_failed_rendering_is_recorded_then_retried(settings, tmp_path):
    decision, _dossier, _cast = decided()
    working = settings.STORAGES
    blocked = tmp_path / "un-fichier"
    blocked.write_text("pas un dossier")
    settings.STORAGES = {
        **working,
        "default": {**working["default"], "OPTIONS": {"location": str(blocked)}},
    }
    with pytest.raises(DecisionRenderError):
        decision_render(decision_id=decision.pk)
    decision.refresh_from_db()
    assert (decision.pdf_status, decision.pdf_attempts, bool(decision.pdf)) == (
        PdfStatus.PENDING,
        1,
        False,
    )
    assert decision.pdf_last_error
    assert not OutboxMessage.objects.filter(subject__contains=decision.number).exists()

    settings.STORAGES = working
    _rendered(decision)
    assert (decision.pdf_status, decision.pdf_attempts, decision.pdf_last_error) == (
        PdfStatus.READY,
        2,
        "",
    )


def test_rendering_gives_up_after_the_last_attempt(settings, tmp_path):
    decision, _dossier, _cast = decided()
    blocked = tmp_path / "un-fichier"
    blocked.write_text("pas un dossier")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(blocked)}},
    }
    for _attempt in range(MAX_ATTEMPTS):
        with pytest.raises(DecisionRenderError):
            decision_render(decision_id=decision.pk)
    decision.refresh_from_db()
    assert (decision.pdf_status, decision.pdf_attempts) == (PdfStatus.FAILED, MAX_ATTEMPTS)


def test_pdf_of_a_correction_names_the_decision_it_corrects():
    decision, _dossier, cast = decided()
    correction = decision_correct(
        decision=decision, actor=cast.ministry, motives="Motifs complétés."
    )
    text = pdf_text(_rendered(Decision.objects.get(pk=correction.pk)))
    assert f"Vu la décision n° {decision.number}" in text
    assert "rectifie et remplace" in text
    assert "Motifs complétés." in text

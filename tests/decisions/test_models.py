"""A signed decision and its PDF never change; a correction is a new decision."""

import pytest
from django.utils import timezone

from applications.domain.exceptions import TransitionForbidden, TransitionInvalid
from decisions.domain.documents import decision_render
from decisions.domain.services import decision_correct
from decisions.models import Decision, DecisionImmutable, PdfStatus

from .helpers import decided

pytestmark = pytest.mark.django_db


def test_signed_decision_cannot_be_saved_again():
    decision, _dossier, _cast = decided()
    decision.motives = "Autre chose."
    with pytest.raises(DecisionImmutable):
        decision.save()
    with pytest.raises(DecisionImmutable):
        decision.save(update_fields=["motives"])
    assert Decision.objects.get(pk=decision.pk).motives != "Autre chose."


@pytest.mark.parametrize(
    "change",
    [
        {"motives": "Autre chose."},
        {"outcome": "referenced"},
        {"signatory_name": "Quelqu'un d'autre"},
        {"number": "REF-1999-0001"},
        {"pdf": "decisions/autre.pdf"},
        {"pdf_sha256": "0" * 64},
    ],
)
def test_signed_content_and_pdf_cannot_be_updated_in_bulk(change):
    decision, _dossier, _cast = decided()
    with pytest.raises(DecisionImmutable):
        Decision.objects.filter(pk=decision.pk).update(**change)


def test_signed_decision_cannot_be_deleted():
    decision, _dossier, _cast = decided()
    with pytest.raises(DecisionImmutable):
        decision.delete()
    with pytest.raises(DecisionImmutable):
        Decision.objects.filter(pk=decision.pk).delete()
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_rendering_progress_may_be_recorded():
    decision, _dossier, _cast = decided()
    decision.pdf_attempts = 2
    decision.save(update_fields=["pdf_attempts"])
    Decision.objects.filter(pk=decision.pk).update(pdf_last_error="Erreur passagère.")
    decision.refresh_from_db()
    assert (decision.pdf_attempts, decision.pdf_last_error) == (2, "Erreur passagère.")


def test_pdf_is_attached_once():
    decision, _dossier, _cast = decided()
    now = timezone.now()
    assert Decision.objects.attach_pdf(
        pk=decision.pk, name="a.pdf", sha256="a" * 64, generated_at=now
    )
    assert not Decision.objects.attach_pdf(
        pk=decision.pk, name="b.pdf", sha256="b" * 64, generated_at=now
    )
    decision.refresh_from_db()
    assert (decision.pdf.name, decision.pdf_sha256, decision.pdf_status) == (
        "a.pdf",
        "a" * 64,
        PdfStatus.READY,
    )


def test_correction_is_a_new_decision_referencing_the_previous_one():
    decision, dossier, cast = decided()
    decision_render(decision_id=decision.pk)
    decision.refresh_from_db()
    signed = (decision.number, decision.motives, decision.pdf.name, decision.pdf_sha256)

    correction = decision_correct(
        decision=decision, actor=cast.ministry, motives="Motifs complétés : absence d'AIPD."
    )

    assert correction.corrects == decision
    assert correction.number != decision.number
    assert correction.sequence == decision.sequence + 1
    assert (correction.outcome, correction.dossier, correction.service_name) == (
        decision.outcome,
        dossier,
        decision.service_name,
    )
    assert correction.pdf_status == PdfStatus.PENDING
    decision.refresh_from_db()
    assert (decision.number, decision.motives, decision.pdf.name, decision.pdf_sha256) == signed


def test_decision_is_corrected_only_once_and_only_by_the_ministry():
    decision, _dossier, cast = decided()
    with pytest.raises(TransitionForbidden):
        decision_correct(decision=decision, actor=cast.editor, motives="Correction.")
    with pytest.raises(TransitionInvalid, match="Indiquez ce que"):
        decision_correct(decision=decision, actor=cast.ministry, motives=" ")
    correction = decision_correct(decision=decision, actor=cast.ministry, motives="Correction.")
    with pytest.raises(TransitionInvalid, match=correction.number):
        decision_correct(decision=decision, actor=cast.ministry, motives="Encore.")
    # The correction itself can be corrected.
    assert decision_correct(decision=correction, actor=cast.ministry, motives="Encore.").corrects

"""The test stages' pages and actions: who sees them (404 otherwise), who acts (403 otherwise),
what each action writes and tells."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.notifications.models import OutboxMessage
from sandbox.enums import StageKind, StageStatus
from sandbox.models import StageEvidence, TestStage
from tests.factories.dossiers import TINY_PDF

pytestmark = pytest.mark.django_db


def url(name, dossier, *args):
    return reverse(f"sandbox:{name}", args=[dossier.pk, *args])


def upload(client, dossier, stage="unit", content=TINY_PDF, name="rapport.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        url("stage-evidence-upload", dossier, stage),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_the_editor_sees_the_three_stages_to_do(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    page = client.get(url("stages", dossier))
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Tests unitaires", "Tests de bout en bout", "Tests de raccordement"):
        assert label in text
    assert text.count("À faire") >= 3
    assert "Aucune pièce déposée pour cette étape." in text


def test_the_editor_uploads_evidence_and_asks_for_validation(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    response = upload(client, dossier)
    assert response.status_code == 302
    stage = TestStage.objects.get(dossier=dossier, kind=StageKind.UNIT)
    assert stage.status == StageStatus.IN_PROGRESS
    assert StageEvidence.objects.get(stage=stage).uploaded_by == cast.editor

    response = client.post(url("stage-request", dossier, "unit"), {"comment": "Tous verts."})
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.requested_by == cast.editor and stage.request_comment == "Tous verts."
    assert OutboxMessage.objects.filter(
        to=cast.instructor.email, subject__contains="validation demandée"
    ).exists()


def test_a_request_without_evidence_is_refused_with_its_reason(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    response = client.post(url("stage-request", dossier, "unit"), {})
    assert response.status_code == 400
    assert "Joignez au moins un rapport de tests" in response.content.decode()
    assert not TestStage.objects.filter(dossier=dossier, requested_at__isnull=False).exists()


def test_a_file_that_is_not_evidence_is_refused(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    response = upload(client, dossier, content=b"MZ\x90\x00 not a pdf", name="outil.exe")
    assert response.status_code == 400
    assert not StageEvidence.objects.exists()


def test_the_instructor_validates_after_confirmation(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    upload(client, dossier)
    client.post(url("stage-request", dossier, "unit"), {})
    mail.outbox.clear()

    client.force_login(cast.instructor)
    assert client.get(url("stages", dossier)).status_code == 200
    page = client.get(url("stage-decide", dossier, "unit"))
    assert page.status_code == 200
    unconfirmed = client.post(url("stage-decide", dossier, "unit"), {"decision": "validate"})
    assert unconfirmed.status_code == 400
    assert TestStage.objects.get(dossier=dossier, kind="unit").status == StageStatus.IN_PROGRESS

    response = client.post(
        url("stage-decide", dossier, "unit"),
        {"decision": "validate", "comment": "Rapport complet.", "confirm": "on"},
    )
    assert response.status_code == 302
    stage = TestStage.objects.get(dossier=dossier, kind="unit")
    assert stage.status == StageStatus.PASSED and stage.decided_by == cast.instructor
    assert stage.guide_versions == {"ans.fhir.fr.mesures": "3.1.0"}
    assert OutboxMessage.objects.filter(to=cast.editor.email, subject__contains="validée").exists()


def test_a_rejection_needs_its_reason(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    upload(client, dossier)
    client.post(url("stage-request", dossier, "unit"), {})
    client.force_login(cast.instructor)
    response = client.post(
        url("stage-decide", dossier, "unit"), {"decision": "reject", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "Dites pourquoi" in response.content.decode()
    response = client.post(
        url("stage-decide", dossier, "unit"),
        {"decision": "reject", "comment": "Le rapport est vide.", "confirm": "on"},
    )
    assert response.status_code == 302
    stage = TestStage.objects.get(dossier=dossier, kind="unit")
    assert stage.status == StageStatus.FAILED and stage.decision_comment == "Le rapport est vide."
    assert OutboxMessage.objects.filter(
        to=cast.editor.email, subject__contains="non validée"
    ).exists()


def test_the_editor_may_not_decide(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    upload(client, dossier)
    client.post(url("stage-request", dossier, "unit"), {})
    response = client.post(
        url("stage-decide", dossier, "unit"), {"decision": "validate", "confirm": "on"}
    )
    assert response.status_code == 403
    assert TestStage.objects.get(dossier=dossier, kind="unit").status == StageStatus.IN_PROGRESS


def test_the_instructor_may_not_upload(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    upload(client, dossier)
    client.post(url("stage-request", dossier, "unit"), {})
    client.force_login(cast.instructor)
    assert upload(client, dossier).status_code == 403
    assert StageEvidence.objects.count() == 1


def test_a_draft_is_hidden_from_the_instruction_until_a_stage_is_put_to_it(client, draft):
    dossier, cast = draft
    client.force_login(cast.instructor)
    assert client.get(url("stages", dossier)).status_code == 404
    assert client.get(url("stage-decide", dossier, "unit")).status_code == 404


def test_another_organisation_gets_a_404(client, draft, other_editor):
    dossier, _cast = draft
    client.force_login(other_editor)
    assert client.get(url("stages", dossier)).status_code == 404
    assert client.get(url("test-book", dossier)).status_code == 404
    assert upload(client, dossier).status_code == 404


def test_an_unknown_stage_is_a_404(client, draft):
    dossier, cast = draft
    client.force_login(cast.editor)
    assert client.post(url("stage-request", dossier, "tout"), {}).status_code == 404


def test_evidence_is_served_to_those_who_see_the_stages_only(client, draft, other_editor):
    dossier, cast = draft
    client.force_login(cast.editor)
    upload(client, dossier)
    item = StageEvidence.objects.get()
    response = client.get(url("stage-evidence-download", dossier, item.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    client.force_login(other_editor)
    assert client.get(url("stage-evidence-download", dossier, item.pk)).status_code == 404


def test_a_dossier_without_data_exchange_has_no_stages_page(client, db):
    from tests.factories.dossiers import dossier_in_state

    dossier, cast = dossier_in_state("draft")
    client.force_login(cast.editor)
    assert client.get(url("stages", dossier)).status_code == 404


def test_a_passed_stage_takes_no_more_evidence(client, draft):
    from sandbox.domain.stages import stage_pass_for_fixture

    dossier, cast = draft
    stage_pass_for_fixture(dossier=dossier, kind="unit", actor=cast.instructor)
    client.force_login(cast.editor)
    response = upload(client, dossier)
    assert response.status_code == 400
    assert "déjà validée" in response.content.decode()

"""The test book's report: a PDF produced by the durable job, downloadable by who sees the stages,
shown on the dossier page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sandbox.domain.stages import dossier_stages_section, report_request
from sandbox.domain.test_book_report import TEST_BOOK_REPORT, test_book_render
from sandbox.enums import CallOutcome, ReportStatus
from sandbox.models import TestBookReport
from sandbox.tasks import report_render_pdf_task

from .conftest import record_fhir

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(
            (page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages
        ).split()
    )


def test_the_report_is_rendered_once_with_the_cases(submitted, private_storage):
    from sandbox.domain.clients import sandbox_client_create

    dossier, cast = submitted
    client, _secret = sandbox_client_create(
        dossier=dossier, actor=cast.editor, redirect_uris=["http://127.0.0.1:8765/cb"]
    )
    record_fhir(client, "measures.body_weight", measure="body_weight")
    record_fhir(client, "measures.bmi", CallOutcome.REFUSED, verdict="observation.bmi refusé")
    report = report_request(dossier=dossier, actor=cast.instructor)
    assert report.status == ReportStatus.PENDING

    rendered = test_book_render(report_id=report.pk)
    assert rendered is not None and rendered.status == ReportStatus.READY
    content = rendered.pdf.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "measures.body_weight" in text and "measures.bmi_refused" in text
    assert "ans.fhir.fr.mesures 3.1.0" in text
    assert "Tests unitaires" in text and "Réussi" in text
    assert test_book_render(report_id=report.pk) is None  # a duplicate delivery does nothing


def test_the_task_renders_and_the_sweep_finds_pending_reports(submitted, private_storage):
    dossier, cast = submitted
    report = TestBookReport.objects.create(dossier=dossier, requested_by=cast.instructor)
    assert report.pk in TEST_BOOK_REPORT.stale_ids(older_than_seconds=0)
    report_render_pdf_task.apply(args=[report.pk]).get()
    report.refresh_from_db()
    assert report.is_ready
    assert report.pk not in TEST_BOOK_REPORT.stale_ids(older_than_seconds=0)


def test_only_the_instruction_asks_for_a_report(client, submitted):
    dossier, cast = submitted
    client.force_login(cast.editor)
    response = client.post(reverse("sandbox:report-create", args=[dossier.pk]))
    assert response.status_code == 403
    assert not TestBookReport.objects.exists()
    client.force_login(cast.instructor)
    response = client.post(reverse("sandbox:report-create", args=[dossier.pk]))
    assert response.status_code == 302
    assert TestBookReport.objects.filter(dossier=dossier).count() == 1


def test_the_report_is_downloaded_and_joins_the_dossier_page_section(
    client, submitted, private_storage
):
    from tests.factories.people import OrganisationFactory, editor

    dossier, cast = submitted
    report = report_request(dossier=dossier, actor=cast.instructor)
    test_book_render(report_id=report.pk)
    download = reverse("sandbox:report-download", args=[dossier.pk, report.pk])
    client.force_login(cast.editor)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    section = dossier_stages_section(dossier=dossier, user=cast.editor)
    assert section.report == report
    assert dossier_stages_section(dossier=dossier, user=editor(OrganisationFactory())) is None
    client.force_login(editor(OrganisationFactory()))
    assert client.get(download).status_code == 404

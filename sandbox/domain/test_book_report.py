"""The test book's report: a PDF/A of the dossier's test book (each case, its expected and
observed result, the call behind it and its date), the three stages with their status and who
validated them when, and the guide versions of the sandbox's validation library. Rendered through
the shared PDF base (portal/pdf.py) as a durable job (portal/jobs.py `FileJob`): a
`TestBookReport` row owes the file, `sandbox.tasks.report_render_pdf_task` renders it, the
periodic sweep re-queues what a lost message or a dead worker left pending. Rendered in French
whatever the language of the caller. Not signed: it is evidence of the dossier, not a decision."""

from django.db import models
from django.utils import timezone, translation

from portal.jobs import FileJob, JobAttemptFailed
from portal.pdf import render_pdf, sha256_hex

from ..enums import ReportStatus, StageKind
from ..models import TestBookReport, TestStage
from .test_book import test_book

MAX_ATTEMPTS = 6
TEMPLATE = "sandbox/pdf/test_book.html"


class TestBookRenderError(JobAttemptFailed):
    """Rendering or storing the report failed; the attempt is recorded, Celery retries."""


TestBookRenderError.__test__ = False


def report_context(report: TestBookReport) -> dict:
    dossier = report.dossier
    rows = {
        stage.kind: stage
        for stage in TestStage.objects.filter(dossier=dossier).select_related("decided_by")
    }
    stages = [(kind, rows.get(kind.value)) for kind in StageKind]
    book = test_book(dossier)
    return {
        "report": report,
        "dossier": dossier,
        "book": book,
        "stages": stages,
        "guides": book.guide_versions(),
        "generated_at": timezone.now(),
    }


def test_book_pdf(report: TestBookReport) -> bytes:
    with translation.override("fr"):
        return render_pdf(TEMPLATE, report_context(report))


def test_book_pdf_name(report: TestBookReport) -> str:
    return report.pdf.field.generate_filename(report, report.file_name)


def test_book_attach(report: TestBookReport, name: str, content: bytes) -> bool:
    unset = TestBookReport.objects.filter(pk=report.pk, pdf="")
    return bool(
        models.QuerySet.update(
            unset,
            pdf=name,
            pdf_sha256=sha256_hex(content),
            generated_at=timezone.now(),
            status=ReportStatus.READY,
            last_error="",
        )
    )


TEST_BOOK_REPORT = FileJob(
    label="Cahier de tests",
    model=TestBookReport,
    task_name="sandbox.tasks.report_render_pdf_task",
    render=test_book_pdf,
    file_name=test_book_pdf_name,
    attach=test_book_attach,
    pending=ReportStatus.PENDING,
    failed=ReportStatus.FAILED,
    max_attempts=MAX_ATTEMPTS,
    queryset=lambda: TestBookReport.objects.select_related("dossier__service__organisation"),
    error=TestBookRenderError,
)


def test_book_render(*, report_id: int) -> TestBookReport | None:
    """Produce a report's PDF once; None when it is gone or already rendered."""
    return TEST_BOOK_REPORT.run(report_id)


test_book_render.__test__ = False
test_book_pdf.__test__ = False

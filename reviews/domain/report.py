"""The consolidated evaluation report, rendered to PDF by a Celery task once every domain is
signed and the instructor closes the evaluation: a durable job (`portal.jobs.FileJob`)."""

from django.utils import timezone

from applications.domain.transitions import transition_apply
from portal.jobs import FileJob, JobAttemptFailed
from portal.pdf import render_pdf, sha256_hex

from ..models import DomainEvaluation, EvaluationReport, ReportStatus
from .scoring import evaluation_scores

#: Attempts before a report is marked failed (the task retries with backoff).
MAX_ATTEMPTS = 6
TEMPLATE = "reviews/report.html"


class ReportRenderError(JobAttemptFailed):
    """Rendering or storing the report failed; the attempt is recorded, Celery retries."""


def report_request(*, dossier) -> EvaluationReport:
    """Record that the report is due and hand it to Celery after commit."""
    report, _created = EvaluationReport.objects.get_or_create(dossier=dossier)
    REPORT_PDF.dispatch_on_commit(report.pk)
    return report


def dossier_complete_evaluation(*, dossier, actor, comment: str = ""):
    """The transition: close the evaluation; the consolidated report is rendered to PDF by
    Celery."""
    return transition_apply(
        "complete_evaluation",
        dossier=dossier,
        actor=actor,
        comment=comment,
        on_applied=lambda locked: report_request(dossier=locked),
    )


def report_dispatch(*, report_id: int) -> None:
    """Hand the report to Celery; if the broker is down it stays pending for the sweep."""
    REPORT_PDF.dispatch(report_id)


def report_context(dossier) -> dict:
    scores = evaluation_scores(dossier)
    evaluations = {
        e.domain: e
        for e in DomainEvaluation.objects.filter(dossier=dossier).select_related("expert")
    }
    return {
        "dossier": dossier,
        "service": dossier.service,
        "organisation": dossier.service.organisation,
        "scores": scores,
        "rows": [(score, evaluations.get(score.code)) for score in scores.domains],
        "generated_at": timezone.now(),
    }


def report_pdf(report: EvaluationReport) -> bytes:
    return render_pdf(TEMPLATE, report_context(report.dossier))


def report_pdf_name(report: EvaluationReport) -> str:
    """Where the report is stored: the same name at every attempt (`portal.jobs`)."""
    return report.pdf.field.generate_filename(report, f"rapport-{report.dossier.reference}.pdf")


def report_attach(report: EvaluationReport, name: str, content: bytes) -> bool:
    return bool(
        EvaluationReport.objects.filter(pk=report.pk, status=ReportStatus.PENDING).update(
            pdf=name,
            sha256=sha256_hex(content),
            status=ReportStatus.READY,
            generated_at=timezone.now(),
            last_error="",
        )
    )


#: The report's PDF as a durable job: see `portal.jobs` for attempts, locking and the sweep.
REPORT_PDF = FileJob(
    label="Rapport d'évaluation",
    model=EvaluationReport,
    task_name="reviews.tasks.report_render_pdf_task",
    render=report_pdf,
    file_name=report_pdf_name,
    attach=report_attach,
    pending=ReportStatus.PENDING,
    failed=ReportStatus.FAILED,
    max_attempts=MAX_ATTEMPTS,
    queryset=lambda: EvaluationReport.objects.select_related(
        "dossier__service__organisation", "dossier__referential_version"
    ),
    error=ReportRenderError,
)


def report_render(*, report_id: int) -> EvaluationReport | None:
    """Render once: a report already rendered (or gone) is left as it is; a failure is recorded
    (attempts, last error; "failed" after MAX_ATTEMPTS) before `ReportRenderError` is raised."""
    return REPORT_PDF.run(report_id)


def pending_report_ids(*, older_than_seconds: float | None = None) -> list[int]:
    """Reports still pending that nobody touched for that long (default: JOBS_STALE_AFTER)."""
    return REPORT_PDF.stale_ids(older_than_seconds=older_than_seconds)

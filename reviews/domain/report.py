"""The consolidated evaluation report, rendered to PDF by a Celery task once every domain is
signed and the instructor closes the evaluation."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.pdf import render_pdf, sha256_hex

from ..models import DomainEvaluation, EvaluationReport, ReportStatus
from .scoring import evaluation_scores

logger = logging.getLogger(__name__)


def report_request(*, dossier) -> EvaluationReport:
    """Record that the report is due and hand it to Celery after commit."""
    report, _created = EvaluationReport.objects.get_or_create(dossier=dossier)
    transaction.on_commit(lambda: report_dispatch(report_id=report.pk))
    return report


def report_dispatch(*, report_id: int) -> None:
    from ..tasks import report_render_pdf_task

    try:
        report_render_pdf_task.delay(report_id)
    except Exception:  # broker down: the periodic sweep re-queues pending reports
        logger.warning(
            "Rapport %s laissé en attente : courtier injoignable.", report_id, exc_info=True
        )


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


def report_render(*, report_id: int) -> EvaluationReport | None:
    """Render once: a report already rendered (or gone) is left as it is."""
    with transaction.atomic():
        report = (
            EvaluationReport.objects.select_for_update(of=("self",))
            .select_related("dossier__service__organisation", "dossier__referential_version")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status == ReportStatus.READY:
            return None
        report.attempts += 1
        content = render_pdf("reviews/report.html", report_context(report.dossier))
        report.pdf.save(f"rapport-{report.dossier.reference}.pdf", ContentFile(content), save=False)
        report.sha256 = sha256_hex(content)
        report.status = ReportStatus.READY
        report.generated_at = timezone.now()
        report.save()
        return report


def pending_report_ids() -> list[int]:
    return list(
        EvaluationReport.objects.filter(status=ReportStatus.PENDING).values_list("pk", flat=True)
    )

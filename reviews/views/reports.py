"""The consolidated evaluation report: its state on the dossier page, and its download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from portal.files import private_file_response

from ..domain.queues import can_read_report
from ..models import EvaluationReport, ReportStatus
from .common import visible_dossier


def _report(request, pk) -> EvaluationReport:
    dossier = visible_dossier(request, pk)
    if not can_read_report(request.user, dossier):
        raise Http404
    return get_object_or_404(EvaluationReport.objects.select_related("dossier"), dossier=dossier)


@login_required
@require_GET
def report_download(request, pk):
    report = _report(request, pk)
    if report.status != ReportStatus.READY or not report.pdf:
        raise Http404
    return private_file_response(
        report.pdf,
        filename=f"rapport-evaluation-{report.dossier.reference}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def report_status(request, pk):
    """The report's line of the dossier page (htmx polls it while the PDF is being made)."""
    report = _report(request, pk)
    response = render(request, "reviews/_report_status.html", {"report": report})
    response["Cache-Control"] = "private, no-store"
    return response

"""The decision's document: downloaded by whoever may see the dossier, never from a public URL;
and the small fragment the dossier page polls while the document is being produced."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from applications.domain.queries import dossiers_visible_to
from portal.files import private_file_response

from .models import Decision


def _visible_decision(request, pk) -> Decision:
    """The decision if its dossier is one the user may open; 404 otherwise."""
    return get_object_or_404(
        Decision.objects.filter(dossier__in=dossiers_visible_to(request.user)), pk=pk
    )


@login_required
@require_GET
def decision_download(request, pk):
    decision = _visible_decision(request, pk)
    if not decision.pdf_ready:
        raise Http404
    return private_file_response(
        decision.pdf, filename=decision.pdf_filename, content_type="application/pdf"
    )


@login_required
@require_GET
def decision_document(request, pk):
    """The document's line of the dossier page (htmx polls it while the PDF is pending)."""
    decision = _visible_decision(request, pk)
    response = render(request, "decisions/_decision_document.html", {"decision": decision})
    response["Cache-Control"] = "private, no-store"
    return response

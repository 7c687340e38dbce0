"""A page asking for one line per requirement — the reasons a dossier is incomplete, the
questions of a complements request: one view helper and one template
(`reviews/dossier/requirement_lines.html`); each page brings its texts and its service."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from applications.domain.exceptions import TransitionError


@dataclass(frozen=True)
class LinesPage:
    title: str  # the heading and the page's title
    crumb: str  # the breadcrumb's last item
    unavailable: str  # why the action is closed in the dossier's state
    notice: str  # what to write, above the lines
    line_label: str  # « Motif 1 », « Question 1 »…
    submit: str


def requirement_lines_view(
    request,
    *,
    dossier,
    formset,
    is_open: bool,
    page: LinesPage,
    act: Callable[[list], object],
    success: str,
):
    """Show the lines; on a valid POST while `is_open`, call `act(lines)` (the service), then
    redirect to the dossier with `success`. Refused lines answer 400, a closed action 403, a
    refused transition its own status; a forbidden actor gets the 403 page."""
    status = 200 if is_open else 403
    if request.method == "POST" and is_open:
        if formset.is_valid():
            try:
                act(formset.lines())
            except PermissionDenied:
                raise
            except TransitionError as exc:
                formset._non_form_errors = formset.error_class([str(exc)])
                status = exc.status_code
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
                status = 400
            else:
                messages.success(request, success)
                return redirect("applications:dossier-detail", pk=dossier.pk)
        else:
            status = 400
    return render(
        request,
        "reviews/dossier/requirement_lines.html",
        {"dossier": dossier, "formset": formset, "open": is_open, "page": page},
        status=status,
    )

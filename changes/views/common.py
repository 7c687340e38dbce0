"""What the views of declared changes share: 404 for what one may not see, 403 for a refused
move, the reasons of the others."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.formats import date_format

from applications.domain.exceptions import TransitionError, TransitionForbidden
from applications.domain.queries import dossiers_visible_to

from ..domain.queries import declaration_for_page


def reasons_of(exc: TransitionError) -> list[str]:
    if isinstance(exc, TransitionForbidden):
        raise PermissionDenied(str(exc)) from exc
    return getattr(exc, "reasons", None) or [str(exc)]


def visible_dossier(request, pk):
    dossier = (
        dossiers_visible_to(request.user)
        .select_related("service__organisation", "referential_version")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def visible_declaration(request, pk):
    declaration = declaration_for_page(request.user, pk)
    if declaration is None:
        raise Http404
    return declaration


def day_text(day) -> str:
    return date_format(day, "j F Y")


def outcome_then_confirm(request, declaration, form, *, act, success):
    """The instruction team's two-step move on a declaration (an outcome and a reason, then
    their confirmation): the form is bound on POST; once valid and confirmed, `act(cleaned_data)`
    runs the service and `success(result)` is the message shown on the declaration's page.
    Returns a redirect when done, else `(errors, status, confirming, outcome)` for the page."""
    errors, status, confirming = [], 200, False
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif not form.cleaned_data["confirmed"]:
            confirming = True
        else:
            try:
                result = act(form.cleaned_data)
            except TransitionError as exc:
                errors, status = reasons_of(exc), exc.status_code
            else:
                messages.success(request, success(result))
                return redirect("changes:declaration-detail", pk=declaration.pk)
    outcome = form.cleaned_data.get("outcome") if form.is_bound and form.is_valid() else None
    return errors, status, confirming and not errors, outcome

"""Asking the editor for complements: a question per requirement concerned."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import rules as r
from applications.domain.exceptions import TransitionError
from applications.domain.orientation import applicable_requirements
from applications.domain.queries import visible_other_than_as_expert
from applications.enums import DossierState

from ..domain.complements import complements_request
from ..forms import complements_formset
from ..rules import cleared_domains
from .common import visible_dossier


def _askable_requirements(request, dossier):
    """Instructors may ask on any applicable requirement, a cleared expert on their domains."""
    requirements = applicable_requirements(dossier.referential_version, dossier.service)
    if visible_other_than_as_expert(request.user, dossier):
        if not r.is_instructor.test(request.user):
            raise PermissionDenied
        return requirements
    cleared = cleared_domains(request.user, dossier)
    if not cleared:
        raise Http404
    return [req for req in requirements if req.domain in cleared]


@login_required
@require_http_methods(["GET", "POST"])
def complements_request_view(request, pk):
    dossier = visible_dossier(request, pk)
    requirements = _askable_requirements(request, dossier)
    by_code = {req.code: req for req in requirements}
    asked = by_code.get(request.GET.get("exigence", ""))
    formset = complements_formset(
        request.POST or None,
        prefix="questions",
        form_kwargs={"requirements": requirements, "general": False},
        initial=[{"requirement": str(asked.pk)}] if asked else None,
    )
    is_open = dossier.state == DossierState.UNDER_EVALUATION
    status = 200 if is_open else 403
    if request.method == "POST" and is_open:
        if formset.is_valid():
            try:
                complements_request(dossier=dossier, actor=request.user, items=formset.lines())
            except PermissionDenied:
                raise
            except TransitionError as exc:
                formset._non_form_errors = formset.error_class([str(exc)])
                status = exc.status_code
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
                status = 400
            else:
                messages.success(
                    request,
                    _("Les compléments sont demandés ; l'éditeur est prévenu par courriel."),
                )
                return redirect("applications:dossier-detail", pk=dossier.pk)
        else:
            status = 400
    return render(
        request,
        "reviews/dossier/complements.html",
        {"dossier": dossier, "formset": formset, "open": is_open},
        status=status,
    )

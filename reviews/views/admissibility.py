"""Declaring a submitted dossier incomplete, one reason per requirement concerned."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.domain.exceptions import TransitionError
from applications.domain.orientation import applicable_requirements
from applications.enums import DossierState

from ..domain.admissibility import dossier_incompleteness_declare
from ..forms import incompleteness_formset
from .common import instructor_dossier


@login_required
@require_http_methods(["GET", "POST"])
def incompleteness_declare(request, pk):
    dossier = instructor_dossier(request, pk)
    requirements = applicable_requirements(dossier.referential_version, dossier.service)
    formset = incompleteness_formset(
        request.POST or None,
        prefix="motifs",
        form_kwargs={"requirements": requirements, "general": True},
    )
    status = 200 if dossier.state == DossierState.SUBMITTED else 403
    if request.method == "POST" and status == 200:
        if formset.is_valid():
            try:
                dossier_incompleteness_declare(
                    dossier=dossier, actor=request.user, items=formset.lines()
                )
            except TransitionError as exc:
                formset._non_form_errors = formset.error_class([str(exc)])
                status = exc.status_code
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
                status = 400
            else:
                messages.success(
                    request,
                    _("Le dossier %(ref)s est déclaré incomplet ; l'éditeur est prévenu.")
                    % {"ref": dossier.reference},
                )
                return redirect("applications:dossier-detail", pk=dossier.pk)
        else:
            status = 400
    return render(
        request,
        "reviews/dossier/incompleteness.html",
        {"dossier": dossier, "formset": formset, "open": dossier.state == DossierState.SUBMITTED},
        status=status,
    )

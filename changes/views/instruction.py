"""The instruction team's pages: the qualification of a declared change and the request to
declare a change found unannounced, each behind its confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.domain.exceptions import TransitionError
from catalogue.models import Control

from .. import rules as r
from ..domain import qualification, requests
from ..domain.deadlines import declaration_due_on
from ..enums import Qualification
from ..forms import (
    ControlParamForm,
    QualifyForm,
    RequestForm,
)
from .common import day_text, outcome_then_confirm, reasons_of, visible_declaration, visible_dossier


@login_required
@require_http_methods(["GET", "POST"])
def declaration_qualify(request, pk):
    """The qualification (outcome and reason), then its confirmation, then the move."""
    declaration = visible_declaration(request, pk)
    if not r.is_instructor.test(request.user):
        raise PermissionDenied(
            _("Seule l'équipe d'instruction qualifie une modification déclarée.")
        )
    if not r.can_qualify_declaration.test(request.user, declaration):
        return redirect("changes:declaration-detail", pk=declaration.pk)
    form = QualifyForm(request.POST if request.method == "POST" else None)
    done = outcome_then_confirm(
        request,
        declaration,
        form,
        act=lambda data: qualification.change_qualify(
            declaration=declaration,
            actor=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
        ),
        success=lambda qualified: (
            _("La modification est qualifiée « %(label)s » ; l'éditeur en est informé.")
            % {"label": qualified.get_state_display()}
        ),
    )
    if not isinstance(done, tuple):
        return done
    errors, status, confirming, outcome = done
    return render(
        request,
        "changes/declaration/qualify.html",
        {
            "declaration": declaration,
            "dossier": declaration.dossier,
            "form": form,
            "errors": errors,
            "confirming": confirming,
            "outcome": outcome,
            "outcome_label": Qualification(outcome).label if outcome else "",
            "experts": qualification.partial_review_experts(declaration)
            if outcome == Qualification.PARTIAL_REVIEW
            else [],
        },
        status=status,
    )


def _request_control(form, dossier):
    """The control of the dossier the request comes from: the bound form's, or the page's."""
    if form.is_bound:
        return form.cleaned_data.get("controle") if form.is_valid() else None
    pk = form.initial.get("controle")
    return Control.objects.filter(pk=pk, dossier=dossier).first() if pk else None


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request, dossier_pk):
    """Ask the editor to declare a change found unannounced: the description, its confirmation
    (with the deadline it gives), then the request."""
    dossier = visible_dossier(request, dossier_pk)
    if not r.can_request_declaration.test(request.user, dossier):
        raise PermissionDenied(
            _(
                "Seule l'équipe d'instruction demande la déclaration d'une modification d'un "
                "service publié."
            )
        )
    if request.method == "POST":
        form = RequestForm(request.POST, dossier=dossier)
    else:
        found = ControlParamForm(request.GET)
        control = found.cleaned_data["controle"] if found.is_valid() else None
        form = RequestForm(initial={"controle": control}, dossier=dossier)
    control = _request_control(form, dossier)
    errors, status, confirming = [], 200, False
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["confirmed"]:
                try:
                    made = requests.change_request_create(
                        dossier=dossier,
                        actor=request.user,
                        description=form.cleaned_data["description"],
                        control=form.cleaned_data["controle"],
                    )
                except TransitionError as exc:
                    errors, status = reasons_of(exc), exc.status_code
                else:
                    messages.success(
                        request,
                        _("L'éditeur doit déclarer la modification au plus tard le %(day)s.")
                        % {"day": day_text(made.due_on)},
                    )
                    return redirect("applications:dossier-detail", pk=dossier.pk)
            else:
                confirming = True
        else:
            status = 400
    return render(
        request,
        "changes/request/form.html",
        {
            "dossier": dossier,
            "form": form,
            "errors": errors,
            "confirming": confirming and not errors,
            "due_on": declaration_due_on(timezone.now()),
            "control": control,
            "back": reverse("applications:dossier-detail", args=[dossier.pk]),
        },
        status=status,
    )

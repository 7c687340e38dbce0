"""The dossier's test stages and test book: the pages, the editor's evidence and requests, the
instruction's decisions, the report. Who may view the sandbox (`can_view_sandbox`) sees them,
anyone else gets a 404; an action one may not take answers 403. The instruction sees a draft's
stages (never the rest of the draft) once the editor put one to it (`can_view_test_stages`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.models import Dossier
from portal.files import private_file_response

from ..domain.stages import (
    StageNotAvailable,
    dossier_stages,
    report_request,
    stage_evidence_add,
    stage_reject,
    stage_request_validation,
    stage_validate,
)
from ..enums import StageKind
from ..forms_stages import StageDecisionForm, StageEvidenceForm, StageRequestForm
from ..models import StageEvidence, TestBookReport
from ..rules import can_decide_test_stage, can_manage_sandbox, can_view_test_stages

SLUGS = {kind.value.replace("_", "-"): kind for kind in StageKind}


def _visible_dossier(request, pk) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related("service__organisation"), pk=pk)
    if not can_view_test_stages.test(request.user, dossier):
        raise Http404
    return dossier


def _kind(slug) -> StageKind:
    try:
        return SLUGS[slug]
    except KeyError:
        raise Http404 from None


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _page(request, dossier, *, status=200, **extra):
    page = dossier_stages(dossier=dossier, user=request.user)
    context = {
        "dossier": dossier,
        "page": page,
        "evidence_form": StageEvidenceForm(),
        "request_form": StageRequestForm(),
        **extra,
    }
    return render(request, "sandbox/stages/stages.html", context, status=status)


@login_required
@require_GET
def stages(request, pk):
    return _page(request, _visible_dossier(request, pk))


@login_required
@require_GET
def test_book_page(request, pk):
    dossier = _visible_dossier(request, pk)
    page = dossier_stages(dossier=dossier, user=request.user)
    return render(request, "sandbox/stages/test_book.html", {"dossier": dossier, "page": page})


@login_required
@require_POST
def stage_evidence_upload(request, pk, stage):
    dossier = _visible_dossier(request, pk)
    kind = _kind(stage)
    if not can_manage_sandbox.test(request.user, dossier):
        raise PermissionDenied(_("Vous ne pouvez pas modifier les tests de ce dossier."))
    form = StageEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = stage_evidence_add(
                dossier=dossier, kind=kind, actor=request.user, uploaded=form.cleaned_data["file"]
            )
        except StageNotAvailable as exc:
            messages.error(request, _messages_of(exc))
            return _page(request, dossier, status=400)
        except ValidationError as exc:
            form.add_error("file", _messages_of(exc))
        else:
            messages.success(request, _("« %(name)s » est déposé.") % {"name": item.name})
            return redirect("sandbox:stages", dossier.pk)
    return _page(request, dossier, status=400, evidence_form=form, form_stage=kind.value)


@login_required
@require_POST
def stage_request(request, pk, stage):
    dossier = _visible_dossier(request, pk)
    kind = _kind(stage)
    if not can_manage_sandbox.test(request.user, dossier):
        raise PermissionDenied(_("Vous ne pouvez pas modifier les tests de ce dossier."))
    form = StageRequestForm(request.POST)
    if form.is_valid():
        try:
            stage_request_validation(
                dossier=dossier, kind=kind, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
            return _page(request, dossier, status=400)
        messages.success(
            request,
            _("La validation de l’étape « %(stage)s » est demandée à l’équipe référencement.")
            % {"stage": kind.label},
        )
        return redirect("sandbox:stages", dossier.pk)
    return _page(request, dossier, status=400, request_form=form, form_stage=kind.value)


@login_required
@require_http_methods(["GET", "POST"])
def stage_decide(request, pk, stage):
    """The instruction's decision on a stage, confirmed on its own page."""
    dossier = _visible_dossier(request, pk)
    kind = _kind(stage)
    if not can_decide_test_stage.test(request.user, dossier):
        raise PermissionDenied(_("Seule l’équipe référencement valide les étapes de tests."))
    page = dossier_stages(dossier=dossier, user=request.user)
    view = page.stage(kind)
    form = StageDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == StageDecisionForm.VALIDATE:
                    stage_validate(
                        dossier=dossier, kind=kind, actor=request.user, comment=data["comment"]
                    )
                    messages.success(
                        request, _("L’étape « %(stage)s » est validée.") % {"stage": kind.label}
                    )
                else:
                    stage_reject(
                        dossier=dossier, kind=kind, actor=request.user, reason=data["comment"]
                    )
                    messages.success(
                        request,
                        _("L’étape « %(stage)s » est refusée ; l’éditeur en est informé.")
                        % {"stage": kind.label},
                    )
            except ValidationError as exc:
                form.add_error(None, _messages_of(exc))
            else:
                return redirect("sandbox:stages", dossier.pk)
        status = 400
    context = {"dossier": dossier, "page": page, "stage": view, "form": form}
    return render(request, "sandbox/stages/decide.html", context, status=status)


@login_required
@require_POST
def report_create(request, pk):
    dossier = _visible_dossier(request, pk)
    if not can_decide_test_stage.test(request.user, dossier):
        raise PermissionDenied(_("Seule l’équipe référencement produit le rapport du cahier."))
    report_request(dossier=dossier, actor=request.user)
    messages.success(request, _("Le rapport du cahier de tests est en cours de génération."))
    return redirect("sandbox:stages", dossier.pk)


@login_required
@require_GET
def report_download(request, pk, report):
    dossier = _visible_dossier(request, pk)
    row = get_object_or_404(TestBookReport, pk=report, dossier=dossier)
    if not row.is_ready:
        raise Http404
    return private_file_response(
        row.pdf,
        filename=f"cahier-de-tests-{dossier.reference}-{row.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def evidence_download(request, pk, evidence):
    dossier = _visible_dossier(request, pk)
    item = get_object_or_404(StageEvidence, pk=evidence, stage__dossier=dossier)
    return private_file_response(item.file, filename=item.name, content_type=item.content_type)

"""The evaluation screen of one domain: answers and evidence side by side with the verdicts,
saved as the expert goes (htmx); the signature; inline previews of the evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.evidence_files import ALLOWED_KINDS
from applications.models import Evidence, Requirement
from portal.files import private_file_response

from ..domain.evaluation import evaluation_sign, verdict_save
from ..domain.evaluation_pages import (
    PREVIEWS,
    domain_score,
    evaluation_access,
    evaluation_page,
    verdict_block,
)
from ..forms import SignForm, VerdictForm
from ..rules import may_see_evidence
from .common import visible_dossier


def _access(request, dossier, domain):
    access = evaluation_access(dossier=dossier, domain=domain, user=request.user)
    if access is None:
        raise Http404
    return access


def _declare_first(access):
    return redirect("reviews:assignment-declare", pk=access.assignment.pk)


def _block_url(dossier, requirement):
    url = reverse("reviews:evaluation", args=[dossier.pk, requirement.domain])
    return f"{url}#exigence-{requirement.code}"


@login_required
@require_GET
def evaluation(request, pk, domain):
    dossier = visible_dossier(request, pk)
    access = _access(request, dossier, domain)
    if access.mode == "declare":
        return _declare_first(access)
    page = evaluation_page(dossier=dossier, domain=domain, access=access)
    return render(request, "reviews/evaluation/domain.html", {"page": page})


def _render_block(request, dossier, requirement, access, *, status, **extra):
    """The whole verdict block (with its errors), swapped in place of the form."""
    block = verdict_block(dossier=dossier, requirement=requirement, access=access, **extra)
    response = render(request, "reviews/evaluation/_verdict.html", {"block": block}, status=status)
    response["HX-Reswap"] = "outerHTML"
    return response


def _refused(request, dossier, requirement, access, errors, data):
    """Bad input: 400 and nothing saved; htmx gets the block back, a browser the whole page."""
    if request.htmx:
        return _render_block(
            request, dossier, requirement, access, status=400, errors=errors, data=data
        )
    page = evaluation_page(dossier=dossier, domain=requirement.domain, access=access)
    for section in page.sections:
        for block in section.blocks:
            if block.requirement.pk == requirement.pk:
                block.errors, block.data = errors, data
    messages.error(request, _("L'avis n'a pas été enregistré : vérifiez la saisie."))
    return render(
        request, "reviews/evaluation/domain.html", {"page": page, "error": True}, status=400
    )


@login_required
@require_POST
def verdict_save_view(request, pk, domain, code):
    dossier = visible_dossier(request, pk)
    access = _access(request, dossier, domain)
    if access.mode == "declare":
        raise Http404
    if not access.editable:
        raise PermissionDenied(access.reason)
    requirement = get_object_or_404(
        Requirement.objects.select_related("section"),
        version_id=dossier.referential_version_id,
        code=code,
        domain=domain,
    )
    form = VerdictForm(request.POST)
    data = form.typed()
    if not form.is_valid():
        return _refused(request, dossier, requirement, access, form.errors, data)
    try:
        verdict_save(
            dossier=dossier,
            requirement=requirement,
            actor=request.user,
            verdict=form.cleaned_data["verdict"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"verdict": exc.messages}
        return _refused(request, dossier, requirement, access, errors, data)
    if request.htmx:
        block = verdict_block(dossier=dossier, requirement=requirement, access=access, saved=True)
        return render(
            request,
            "reviews/evaluation/_verdict_saved.html",
            {"block": block, "score": domain_score(dossier, domain)},
        )
    messages.success(request, _("Avis sur l'exigence %(code)s enregistré.") % {"code": code})
    return redirect(_block_url(dossier, requirement))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_sign_view(request, pk, domain):
    dossier = visible_dossier(request, pk)
    access = _access(request, dossier, domain)
    if access.mode == "declare":
        return _declare_first(access)
    if access.signed is not None and request.method == "GET":
        messages.info(request, _("Cette évaluation est déjà signée."))
        return redirect("reviews:evaluation", pk=dossier.pk, domain=domain)
    if not access.editable:
        raise PermissionDenied(access.reason)
    form = SignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation_sign(
                    dossier=dossier,
                    domain=domain,
                    actor=request.user,
                    conclusion=form.cleaned_data["conclusion"],
                    synthesis=form.cleaned_data["synthesis"],
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, _("Votre évaluation est signée."))
                return redirect("reviews:evaluation", pk=dossier.pk, domain=domain)
        status = 400
    page = evaluation_page(dossier=dossier, domain=domain, access=access)
    return render(
        request, "reviews/evaluation/sign.html", {"page": page, "form": form}, status=status
    )


@login_required
@require_GET
@xframe_options_sameorigin
def evidence_preview(request, pk, evidence_pk):
    """PDF and images served inline for the evaluation screen, in a sandbox; the same checks as
    the download (`applications:evidence-download`)."""
    dossier = visible_dossier(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("requirement", "document"), dossier=dossier, pk=evidence_pk
    )
    if not may_see_evidence(request.user, dossier, evidence) or evidence.kind not in PREVIEWS:
        raise Http404
    return private_file_response(
        evidence.file,
        filename=evidence.name,
        content_type=ALLOWED_KINDS[evidence.kind].content_type,
        inline=True,
    )

"""The partial re-evaluation of a declared change: one domain's screen (the evaluation's
pieces, verdicts saved as the expert goes with htmx, a plain POST without JavaScript), its
signature, a replacement expert's declaration of interests, the instruction team's replacement
and closing. What each person may see is `reevaluation_access` (404 otherwise); an action they
may not take answers 403."""

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
from applications.models import Requirement
from portal.files import private_file_response
from reviews.forms import DeclarationForm, VerdictForm

from .. import rules as r
from ..domain import partial_reviews as services
from ..domain.reevaluation_queries import (
    reevaluation_access,
    reevaluation_block,
    reevaluation_evidence,
    reevaluation_page,
    review_of,
)
from ..enums import ChangeState
from ..forms_reevaluation import CloseForm, PartialSignForm, ReviewReplaceForm
from ..models import ChangeDeclaration, PartialReview
from .common import outcome_then_confirm, visible_declaration

PAGE = "changes/reevaluation/domain.html"


def _awaiting_declaration(request, pk, domain) -> bool:
    """The user is the review's new expert and has not declared their interests yet."""
    return PartialReview.objects.filter(
        declaration_id=pk, domain=domain, expert=request.user, conflict_declared_at__isnull=True
    ).exists()


def _access(request, declaration, domain):
    access = reevaluation_access(declaration=declaration, domain=domain, user=request.user)
    if access is None:
        raise Http404
    return access


def _declare_first(declaration, domain):
    return redirect("changes:reevaluation-declare", pk=declaration.pk, domain=domain)


def _page(request, declaration, access, *, status=200, error=False):
    page = reevaluation_page(declaration=declaration, access=access)
    return page, render(request, PAGE, {"page": page, "error": error}, status=status)


@login_required
@require_GET
def reevaluation(request, pk, domain):
    if _awaiting_declaration(request, pk, domain):
        return redirect("changes:reevaluation-declare", pk=pk, domain=domain)
    declaration = visible_declaration(request, pk)
    access = _access(request, declaration, domain)
    if access.mode == "declare":
        return _declare_first(declaration, domain)
    return _page(request, declaration, access)[1]


def _refused(request, declaration, access, requirement, errors, data):
    """Bad input: 400 and nothing saved; htmx gets the block back, a browser the whole page."""
    if request.htmx:
        block = reevaluation_block(
            declaration=declaration,
            access=access,
            requirement=requirement,
            errors=errors,
            data=data,
        )
        response = render(request, "reviews/evaluation/_verdict.html", {"block": block}, status=400)
        response["HX-Reswap"] = "outerHTML"
        return response
    page = reevaluation_page(declaration=declaration, access=access)
    for block in page.blocks:
        if block.requirement.pk == requirement.pk:
            block.errors, block.data = errors, data
    messages.error(request, _("L'avis n'a pas été enregistré : vérifiez la saisie."))
    return render(request, PAGE, {"page": page, "error": True}, status=400)


@login_required
@require_POST
def reevaluation_verdict(request, pk, domain, code):
    declaration = visible_declaration(request, pk)
    access = _access(request, declaration, domain)
    if access.mode == "declare":
        raise Http404
    if not access.editable:
        raise PermissionDenied(access.reason)
    requirement = get_object_or_404(
        Requirement.objects.select_related("section"),
        version_id=declaration.dossier.referential_version_id,
        code=code,
        domain=domain,
    )
    form = VerdictForm(request.POST)
    data = form.typed()
    if not form.is_valid():
        return _refused(request, declaration, access, requirement, form.errors, data)
    try:
        services.partial_verdict_save(
            review=access.review,
            requirement=requirement,
            actor=request.user,
            verdict=form.cleaned_data["verdict"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"verdict": exc.messages}
        return _refused(request, declaration, access, requirement, errors, data)
    if request.htmx:
        block = reevaluation_block(
            declaration=declaration, access=access, requirement=requirement, saved=True
        )
        return render(request, "changes/reevaluation/_verdict_saved.html", {"block": block})
    messages.success(request, _("Avis sur l'exigence %(code)s enregistré.") % {"code": code})
    url = reverse("changes:reevaluation", args=[declaration.pk, domain])
    return redirect(f"{url}#exigence-{requirement.code}")


@login_required
@require_http_methods(["GET", "POST"])
def reevaluation_sign(request, pk, domain):
    if _awaiting_declaration(request, pk, domain):
        return redirect("changes:reevaluation-declare", pk=pk, domain=domain)
    declaration = visible_declaration(request, pk)
    access = _access(request, declaration, domain)
    if access.mode == "declare":
        return _declare_first(declaration, domain)
    if access.review.signed and request.method == "GET":
        messages.info(request, _("Cette réévaluation est déjà signée."))
        return redirect("changes:reevaluation", pk=declaration.pk, domain=domain)
    if not access.editable:
        raise PermissionDenied(access.reason)
    form = PartialSignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.partial_review_sign(
                    review=access.review,
                    actor=request.user,
                    conclusion=form.cleaned_data["conclusion"],
                    synthesis=form.cleaned_data["synthesis"],
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, _("Votre réévaluation est signée."))
                return redirect("changes:reevaluation", pk=declaration.pk, domain=domain)
        status = 400
    page = reevaluation_page(declaration=declaration, access=access)
    return render(
        request, "changes/reevaluation/sign.html", {"page": page, "form": form}, status=status
    )


def _evidence(request, pk, domain, evidence_pk, *, inline):
    declaration = visible_declaration(request, pk)
    access = _access(request, declaration, domain)
    if access.mode == "declare":
        raise Http404
    evidence = reevaluation_evidence(
        declaration=declaration, review=access.review, evidence_pk=evidence_pk
    )
    if evidence is None or (inline and evidence.kind not in ("pdf", "png", "jpeg")):
        raise Http404
    return private_file_response(
        evidence.file,
        filename=evidence.name,
        content_type=ALLOWED_KINDS[evidence.kind].content_type,
        inline=inline,
    )


@login_required
@require_GET
def reevaluation_evidence_download(request, pk, domain, evidence_pk):
    return _evidence(request, pk, domain, evidence_pk, inline=False)


@login_required
@require_GET
@xframe_options_sameorigin
def reevaluation_evidence_preview(request, pk, domain, evidence_pk):
    return _evidence(request, pk, domain, evidence_pk, inline=True)


# -- a replacement expert's declaration of interests ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reevaluation_declare(request, pk, domain):
    """The one page a review awaiting its new expert's declaration opens: the service and its
    editor, nothing else of the declaration or the dossier."""
    declaration = get_object_or_404(
        ChangeDeclaration.objects.select_related("dossier__service__organisation"), pk=pk
    )
    review = r.current_partial_review(request.user, declaration, domain)
    if review is None:
        raise Http404
    if review.conflict_declared_at is not None:
        return redirect("changes:reevaluation", pk=declaration.pk, domain=domain)
    form = DeclarationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.partial_review_declare(
                    review=review,
                    actor=request.user,
                    conflict=form.conflict,
                    details=form.cleaned_data["details"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if form.conflict:
                    messages.success(
                        request,
                        _(
                            "Votre conflit d'intérêts est enregistré : l'équipe référencement "
                            "confiera la réévaluation à un autre expert."
                        ),
                    )
                    return redirect("home")
                messages.success(
                    request,
                    _("Votre déclaration est enregistrée : la réévaluation vous est ouverte."),
                )
                return redirect("changes:reevaluation", pk=declaration.pk, domain=domain)
        status = 400
    service = declaration.dossier.service
    return render(
        request,
        "changes/reevaluation/declare.html",
        {
            "review": review,
            "service": service,
            "organisation": service.organisation,
            "form": form,
        },
        status=status,
    )


# -- the instruction team ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reevaluation_replace(request, pk, domain):
    declaration = visible_declaration(request, pk)
    review = review_of(declaration, domain)
    if review is None:
        raise Http404
    review.declaration = declaration
    if not r.is_instructor.test(request.user):
        raise PermissionDenied(_("Seule l'équipe d'instruction confie une réévaluation."))
    if not r.can_replace_partial_review_expert.test(request.user, review) or (
        declaration.state != ChangeState.PARTIAL_REVIEW
    ):
        messages.info(request, _("Cette réévaluation ne change plus d'expert."))
        return redirect("changes:declaration-detail", pk=declaration.pk)
    experts = services.replacement_candidates(review)
    form = ReviewReplaceForm(request.POST or None, experts=experts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.partial_review_replace(
                    review=review,
                    expert=form.cleaned_data["expert"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(
                    request,
                    _(
                        "La réévaluation du domaine « %(domain)s » est confiée à %(expert)s, "
                        "qui en est informé."
                    )
                    % {
                        "domain": review.get_domain_display(),
                        "expert": form.cleaned_data["expert"],
                    },
                )
                return redirect("changes:declaration-detail", pk=declaration.pk)
        status = 400
    return render(
        request,
        "changes/reevaluation/replace.html",
        {"declaration": declaration, "review": review, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reevaluation_close(request, pk):
    """The closing (outcome and reason, on the declaration's page), its confirmation, then the
    move."""
    declaration = visible_declaration(request, pk)
    if not r.is_instructor.test(request.user):
        raise PermissionDenied(_("Seule l'équipe d'instruction clôt une réévaluation partielle."))
    if not r.is_declaration_in_partial_review.test(request.user, declaration):
        return redirect("changes:declaration-detail", pk=declaration.pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    done = outcome_then_confirm(
        request,
        declaration,
        form,
        act=lambda data: services.change_review_close(
            declaration=declaration,
            actor=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
        ),
        success=lambda closed: (
            _("La réévaluation est close « %(label)s » ; l'éditeur en est informé.")
            % {"label": closed.get_state_display()}
        ),
    )
    if not isinstance(done, tuple):
        return done
    errors, status, confirming, outcome = done
    return render(
        request,
        "changes/reevaluation/close.html",
        {
            "declaration": declaration,
            "dossier": declaration.dossier,
            "form": form,
            "errors": errors,
            "confirming": confirming,
            "outcome_label": ChangeState(outcome).label if outcome else "",
            "all_signed": r.are_partial_reviews_signed.test(request.user, declaration),
        },
        status=status,
    )

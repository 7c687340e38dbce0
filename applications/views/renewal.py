"""Renewing a referencing: the confirmation page that opens the renewal dossier, and the
confirmation of an answer the renewal copied (htmx, or a plain post without JavaScript). The
rules and the copy are in applications/domain/renewal.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..domain.queries import dossiers_visible_to, visible_other_than_as_expert
from ..domain.questionnaire import unconfirmed_carried_over
from ..domain.questionnaire_pages import answer_block
from ..domain.renewal import answer_confirm, renewal_open, renewal_preview, renewal_problem
from .questionnaire import _domain_url, _requirement
from .questionnaire import _dossier as _questionnaire_dossier


def _renewed_dossier(request, pk):
    """The dossier if the user may see it other than as an expert (404 otherwise)."""
    dossier = get_object_or_404(
        dossiers_visible_to(request.user).select_related(
            "service__organisation", "service__orientation", "referential_version"
        ),
        pk=pk,
    )
    if not visible_other_than_as_expert(request.user, dossier):
        raise Http404
    return dossier


def _page(request, dossier, *, problem=None, status=200):
    return render(
        request,
        "applications/renewal/confirm.html",
        {
            "dossier": dossier,
            "problem": problem,
            "preview": None if problem else renewal_preview(dossier),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_renewal(request, pk):
    """« Préparer le renouvellement »: what will be copied, then the new draft."""
    dossier = _renewed_dossier(request, pk)
    problem = renewal_problem(dossier=dossier, user=request.user)
    if problem is not None:
        return _page(request, dossier, problem=problem, status=403)
    if request.method == "GET":
        return _page(request, dossier)
    try:
        renewal = renewal_open(dossier=dossier, actor=request.user)
    except PermissionDenied as exc:
        return _page(request, dossier, problem=str(exc), status=403)
    except ValidationError as exc:
        return _page(request, dossier, problem=" ".join(exc.messages), status=409)
    messages.success(
        request,
        _(
            "Le dossier de renouvellement %(ref)s est ouvert : vérifiez d'abord ce qui a changé, "
            "puis confirmez chaque réponse reprise."
        )
        % {"ref": renewal.reference},
    )
    return redirect("applications:dossier-detail", pk=renewal.pk)


@login_required
@require_POST
def answer_carried_over_confirm(request, pk, code):
    """Confirm one answer copied from the renewed dossier: for htmx, the requirement's mark is
    replaced by « Réponse confirmée », its collapsed line's state is drawn again without the
    mark and the count of those left is updated (all out of band); otherwise back to the
    requirement, open, with a message."""
    dossier = _questionnaire_dossier(request, pk)
    requirement = _requirement(dossier, code)
    answer_confirm(dossier=dossier, requirement=requirement, actor=request.user)
    if request.htmx:
        return render(
            request,
            "applications/renewal/_confirmed.html",
            {
                "dossier": dossier,
                "requirement": requirement,
                "block": answer_block(dossier=dossier, requirement=requirement, user=request.user),
                "remaining": unconfirmed_carried_over(dossier),
            },
        )
    messages.success(
        request, _("Réponse à l'exigence %(code)s confirmée.") % {"code": requirement.code}
    )
    return redirect(_domain_url(dossier, requirement))

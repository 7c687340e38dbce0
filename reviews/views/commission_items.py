"""One agenda item as the members of its session see it: the dossier's evaluation, conflicts of
interest, the vote (opened and closed by the chair, cast and changed by each member); and the
editor's answer to suspensive reservations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..domain.commission import (
    item_conflict_declare,
    reservations_respond,
    vote_cast,
    vote_close,
    vote_open,
)
from ..domain.commission_pages import agenda_items_of_member, commission_panel, item_page
from ..forms_commission import ConflictForm, ReservationResponseForm, VoteForm
from .common import visible_dossier


def _item(request, pk):
    """The item if the user sits on its session; 404 for anyone else."""
    return get_object_or_404(agenda_items_of_member(request.user), pk=pk)


def _vote_form(page, form=None):
    if form is not None or not page.can_vote:
        return form
    vote = page.my_vote
    initial = {"opinion": vote.opinion, "comment": vote.comment} if vote else None
    return VoteForm(initial=initial, prefix="vote")


def _render_item(request, item, *, vote_form=None, conflict_form=None, status=200):
    page = item_page(item=item, user=request.user)
    if conflict_form is None and page.can_declare_conflict:
        conflict_form = ConflictForm(prefix="conflit")
    return render(
        request,
        "reviews/commission/item.html",
        {
            "page": page,
            "vote_form": _vote_form(page, vote_form),
            "conflict_form": conflict_form,
        },
        status=status,
    )


def _refused(request, item, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)
    return _render_item(request, item, status=400)


@login_required
@require_GET
def agenda_item(request, pk):
    return _render_item(request, _item(request, pk))


@login_required
@require_GET
def agenda_item_status(request, pk):
    """The vote's state line, polled by htmx until the vote is closed; when the state moved on
    since the page was drawn, the whole page reloads (its forms change)."""
    item = _item(request, pk)
    if request.GET.get("vu", item.vote_status) != item.vote_status:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    page = item_page(item=item, user=request.user)
    response = render(request, "reviews/commission/_vote_status.html", {"page": page})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def item_conflict_declare_view(request, pk):
    item = _item(request, pk)
    form = ConflictForm(request.POST, prefix="conflit")
    if form.is_valid():
        try:
            item_conflict_declare(
                item=item, actor=request.user, details=form.cleaned_data["details"]
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(
                request,
                _("Votre conflit d'intérêts est enregistré : vous ne votez pas sur ce point."),
            )
            return redirect("reviews:agenda-item", pk=item.pk)
    return _render_item(request, item, conflict_form=form, status=400)


@login_required
@require_POST
def vote_open_view(request, pk):
    item = _item(request, pk)
    try:
        vote_open(item=item, actor=request.user)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("Le vote est ouvert : les membres peuvent voter."))
    return redirect("reviews:agenda-item", pk=item.pk)


@login_required
@require_POST
def vote_close_view(request, pk):
    item = _item(request, pk)
    try:
        item = vote_close(item=item, actor=request.user)
    except ValidationError as exc:
        return _refused(request, item, exc)
    if item.quorum_reached:
        messages.success(request, _("Le vote est clos : le quorum est atteint."))
    else:
        messages.warning(request, _("Le vote est clos sans que le quorum soit atteint."))
    return redirect("reviews:agenda-item", pk=item.pk)


@login_required
@require_POST
def vote_cast_view(request, pk):
    item = _item(request, pk)
    form = VoteForm(request.POST, prefix="vote")
    saved = False
    if form.is_valid():
        try:
            vote_cast(
                item=item,
                actor=request.user,
                opinion=form.cleaned_data["opinion"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            saved = True
    if not request.htmx:
        if saved:
            messages.success(request, _("Votre vote est enregistré."))
            return redirect("reviews:agenda-item", pk=item.pk)
        return _render_item(request, item, vote_form=form, status=400)
    page = item_page(item=item, user=request.user)
    return render(
        request,
        "reviews/commission/_my_vote.html",
        {"page": page, "vote_form": _vote_form(page, None if saved else form), "saved": saved},
        status=200 if saved else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reservations_respond_view(request, pk):
    """The editor answers the commission's suspensive reservations."""
    dossier = visible_dossier(request, pk)
    panel = commission_panel(dossier=dossier, user=request.user)
    form = ReservationResponseForm(request.POST or None, prefix="reserves")
    status = 200 if panel.can_respond else 403
    if request.method == "POST" and panel.can_respond:
        if form.is_valid():
            try:
                reservations_respond(
                    dossier=dossier, actor=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(
                    request,
                    _("Votre réponse est transmise : l'équipe référencement va la vérifier."),
                )
                return redirect("applications:dossier-detail", pk=dossier.pk)
        status = 400
    return render(
        request,
        "reviews/commission/reservations.html",
        {"dossier": dossier, "panel": panel, "form": form},
        status=status,
    )

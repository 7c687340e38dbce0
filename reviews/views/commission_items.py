"""One agenda item as the members of its session see it: the dossier's evaluation, conflicts of
interest, the vote (opened and closed by the chair after a confirmation page, cast and changed by
each member, its counter kept up to date); and the editor's answer to suspensive reservations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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


#: The event a saved vote sends (HX-Trigger): the vote's counter, which listens to it
#: (templates/reviews/commission/_vote_status.html), refreshes at once.
VOTE_SAVED_EVENT = "vote-enregistre"


def _counter_state(page) -> tuple[str, str]:
    """What the counter shows, as the polling sends it back (query parameters n and c)."""
    return str(page.participants), str(len(page.conflicts))


@login_required
@require_GET
def agenda_item_status(request, pk):
    """The vote's counter, polled by htmx until the vote is closed (and asked again after each
    vote): 204 when nothing changed since the fragment was drawn (nothing is swapped, so the live
    region says nothing); when the vote's state moved on, the whole page reloads (its forms
    change)."""
    item = _item(request, pk)
    if request.GET.get("vu", item.vote_status) != item.vote_status:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    page = item_page(item=item, user=request.user)
    if (request.GET.get("n"), request.GET.get("c")) == _counter_state(page):
        response = HttpResponse(status=204)
    else:
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


def _confirm_step(request, item, *, step, act):
    """The chair's confirmation page of `step` ("open" or "close") on GET; on POST, `act()`.
    Anyone but the chair gets 403; a step the vote's state no longer allows, the page saying
    why (409)."""
    page = item_page(item=item, user=request.user)
    if not page.is_chair:
        raise PermissionDenied(_("Seule la présidence de séance conduit le vote."))
    possible = page.can_open if step == "open" else page.can_close
    if request.method == "POST":
        try:
            act()
        except ValidationError as exc:
            return _refused(request, item, exc)
        return None
    return render(
        request,
        "reviews/commission/vote_confirm.html",
        {"page": page, "step": step, "possible": possible},
        status=200 if possible else 409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vote_open_view(request, pk):
    item = _item(request, pk)
    response = _confirm_step(
        request, item, step="open", act=lambda: vote_open(item=item, actor=request.user)
    )
    if response is not None:
        return response
    messages.success(request, _("Le vote est ouvert : les membres peuvent voter."))
    return redirect("reviews:agenda-item", pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def vote_close_view(request, pk):
    item = _item(request, pk)
    closed = {}

    def close():
        closed["item"] = vote_close(item=item, actor=request.user)

    response = _confirm_step(request, item, step="close", act=close)
    if response is not None:
        return response
    item = closed["item"]
    if not item.quorum_reached:
        messages.warning(request, _("Le vote est clos sans que le quorum soit atteint."))
    elif not item.result:
        messages.warning(
            request,
            _("Le vote est clos : toutes les voix sont des abstentions, aucun avis n'en résulte."),
        )
    else:
        messages.success(request, _("Le vote est clos : le quorum est atteint."))
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
    response = render(
        request,
        "reviews/commission/_my_vote.html",
        {"page": page, "vote_form": _vote_form(page, None if saved else form), "saved": saved},
        status=200 if saved else 400,
    )
    if saved:
        response["HX-Trigger"] = VOTE_SAVED_EVENT
    return response


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

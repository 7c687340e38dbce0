"""The catalogue card: the editor's page of a service's card (form, live preview, submission) and
the administration's review (queue, review page, approval or request for changes).

Thin views: a form validates, one service of catalogue/domain/cards.py acts, a message, a
redirect. A card or service the user may not see answers 404; an action they may not take, 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.domain.exceptions import TransitionError, TransitionForbidden

from .. import rules as r
from ..domain import card_pages as pages
from ..domain import cards as services
from ..enums import CardState
from ..forms import CardForm, ConfirmForm, ReviewCommentForm
from ..models import Card

QUEUE_PAGE_SIZE = 25


def _visible_service(request, service_pk):
    return get_object_or_404(
        pages.services_with_cards_visible_to(request.user).select_related("organisation"),
        pk=service_pk,
    )


def _visible_card(request, pk) -> Card:
    return get_object_or_404(
        pages.with_logo(pages.cards_visible_to(request.user)).select_related(
            "service__organisation"
        ),
        pk=pk,
    )


def _forbidden_if(exc: TransitionError) -> None:
    if isinstance(exc, TransitionForbidden):
        raise PermissionDenied(str(exc)) from exc


def _service_page(request, service, *, form=None, errors=(), status=200):
    page = pages.service_cards_page(service=service, user=request.user)
    card = page.open_card
    if form is None and page.editable and r.can_update_card.test(request.user, card):
        form = CardForm(initial=CardForm.initial_from(card), card=card)
    return render(
        request,
        "catalogue/cards/service.html",
        {
            "page": page,
            "service": service,
            "card": card,
            "preview": card or page.approved_card,
            "form": form,
            "errors": errors,
            "can_open": r.can_open_card.test(request.user, service),
            "can_submit": card is not None and r.can_submit_card.test(request.user, card),
        },
        status=status,
    )


@login_required
@require_GET
def card_service(request, service_pk):
    """The card of a service: its open version (to edit, or read while in review), the approved
    one, and the history of its versions."""
    return _service_page(request, _visible_service(request, service_pk))


@login_required
@require_POST
def card_open(request, service_pk):
    service = _visible_service(request, service_pk)
    try:
        card = services.card_open(service=service, actor=request.user)
    except TransitionError as exc:
        _forbidden_if(exc)
        return _service_page(request, service, errors=[str(exc)], status=exc.status_code)
    if card.version == 1 and card.state == CardState.DRAFT:
        messages.info(
            request,
            _("La fiche est pré-remplie à partir de la description du service : relisez-la."),
        )
    return redirect("catalogue:card-service", service_pk=service.pk)


@login_required
@require_POST
def card_update(request, pk):
    card = _visible_card(request, pk)
    if not r.card_editor.test(request.user, card):
        raise PermissionDenied(_("Seul un éditeur du service modifie sa fiche."))
    form = CardForm(request.POST, request.FILES, card=card)
    errors = []
    if form.is_valid():
        try:
            services.card_update(card=card, actor=request.user, data=form.card_data())
        except ValidationError as exc:
            form.add_domain_errors(exc)
        except TransitionError as exc:
            _forbidden_if(exc)
            errors.append(str(exc))
            form = None  # the card can no longer be edited: show it as it is
        else:
            messages.success(request, _("La fiche est enregistrée."))
            return redirect("catalogue:card-service", service_pk=card.service_id)
    return _service_page(
        request, card.service, form=form, errors=errors, status=409 if errors else 400
    )


@login_required
@require_POST
def card_preview(request, pk):
    """The card as the catalogue would show it, from the form being filled (htmx; nothing is
    saved). Fields that do not validate keep the saved value."""
    card = _visible_card(request, pk)
    if not r.can_update_card.test(request.user, card):
        raise PermissionDenied
    form = CardForm(request.POST, card=card)
    form.is_valid()
    preview = form.preview()
    return render(request, "catalogue/cards/_preview.html", {"preview": preview, "live": True})


def _confirm(request, card, *, action, title, intro, form_class, act, status=200):
    """A confirmation page (GET), then the action (POST): `act(form)` runs the service."""
    form = form_class(request.POST if request.method == "POST" else None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                act(form)
            except TransitionError as exc:
                _forbidden_if(exc)
                errors = getattr(exc, "reasons", None) or [str(exc)]
                status = exc.status_code
            else:
                return None
        else:
            status = 400
    return render(
        request,
        "catalogue/cards/confirm.html",
        {
            "card": card,
            "form": form,
            "errors": errors,
            "title": title,
            "intro": intro,
            "action": action,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def card_submit(request, pk):
    card = _visible_card(request, pk)
    if not r.card_editor.test(request.user, card):
        raise PermissionDenied(_("Seul un éditeur du service soumet sa fiche."))
    response = _confirm(
        request,
        card,
        action="submit",
        title=_("Soumettre la fiche à la relecture"),
        intro=_(
            "L'administration relira cette version de la fiche : vous ne pourrez plus la modifier "
            "pendant la relecture. Si elle est approuvée, elle remplacera la fiche publique."
        ),
        form_class=ConfirmForm,
        act=lambda form: services.card_submit(card=card, actor=request.user),
    )
    if response is not None:
        return response
    messages.success(request, _("La fiche est soumise à la relecture de l'administration."))
    return redirect("catalogue:card-service", service_pk=card.service_id)


@login_required
@require_GET
def card_review_queue(request):
    if not r.can_see_review_queue.test(request.user):
        raise PermissionDenied
    page = Paginator(pages.review_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/cards/queue.html", {"page": page})


def _reviewable_card(request, pk) -> Card:
    card = _visible_card(request, pk)
    if not r.is_admin.test(request.user):
        raise PermissionDenied(_("Seule l'administration relit les fiches du catalogue."))
    return card


@login_required
@require_GET
def card_review(request, pk):
    card = _reviewable_card(request, pk)
    return render(
        request,
        "catalogue/cards/review.html",
        {
            "review": pages.card_review_page(card=card),
            "card": card,
            "can_review": r.can_review_card.test(request.user, card),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def card_approve(request, pk):
    card = _reviewable_card(request, pk)
    response = _confirm(
        request,
        card,
        action="approve",
        title=_("Approuver la fiche"),
        intro=_(
            "Cette version deviendra la fiche approuvée du service ; la version approuvée "
            "précédente, s'il y en a une, sera remplacée, et la fiche publique mise à jour si "
            "le service est publié au catalogue."
        ),
        form_class=ConfirmForm,
        act=lambda form: services.card_approve(card=card, actor=request.user),
    )
    if response is not None:
        return response
    messages.success(request, _("La fiche est approuvée ; l'éditeur en est informé."))
    return redirect("catalogue:card-review-queue")


@login_required
@require_http_methods(["GET", "POST"])
def card_request_changes(request, pk):
    card = _reviewable_card(request, pk)
    response = _confirm(
        request,
        card,
        action="request_changes",
        title=_("Demander des modifications"),
        intro=_(
            "La fiche retournera à l'éditeur avec votre commentaire ; il la soumettra à nouveau "
            "une fois modifiée."
        ),
        form_class=ReviewCommentForm,
        act=lambda form: services.card_request_changes(
            card=card, actor=request.user, comment=form.cleaned_data["comment"]
        ),
    )
    if response is not None:
        return response
    messages.success(request, _("Les modifications sont demandées à l'éditeur."))
    return redirect("catalogue:card-review-queue")

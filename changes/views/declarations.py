"""The editor's declaration (drafted, read over, sent or discarded), the declaration's page and
its attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications.domain.exceptions import TransitionError
from portal.files import private_file_response

from .. import rules as r
from ..domain import declarations
from ..domain.deadlines import qualification_due_on
from ..domain.declarations import ItemInput
from ..domain.queries import version_requirement_groups
from ..enums import ChangeState, RequestState
from ..forms import (
    ITEMS_PREFIX,
    AnsweredRequestForm,
    ConfirmForm,
    DeclarationForm,
    ItemFormSet,
)
from ..models import ChangeRequest
from .common import day_text, reasons_of, visible_declaration, visible_dossier

# -- the editor's declaration ---------------------------------------------------------------------


def _answered_request(request, dossier):
    """The open request to declare that the declaration answers (`?demande=`), if any."""
    chosen = AnsweredRequestForm(request.POST if request.method == "POST" else request.GET)
    pk = chosen.cleaned_data["demande"] if chosen.is_valid() else None
    if pk is None:
        return None
    return ChangeRequest.objects.filter(pk=pk, dossier=dossier, state=RequestState.OPEN).first()


@login_required
@require_http_methods(["GET", "POST"])
def declaration_create(request, dossier_pk):
    dossier = visible_dossier(request, dossier_pk)
    if not r.can_declare_change.test(request.user, dossier):
        raise PermissionDenied(
            _("Seuls les membres de l'éditeur déclarent une modification d'un service publié.")
        )
    change_request = _answered_request(request, dossier)
    form_kwargs = {"version_id": dossier.referential_version_id}
    errors, status = [], 200
    if request.method == "POST":
        form = DeclarationForm(request.POST, request.FILES)
        formset = ItemFormSet(request.POST, prefix=ITEMS_PREFIX, form_kwargs=form_kwargs)
        if form.adds_item:
            formset = ItemFormSet(
                prefix=ITEMS_PREFIX, form_kwargs=form_kwargs, initial=_items_so_far(formset)
            )
            formset.extra = 1  # the next editorial notice, empty
            return _declaration_page(request, dossier, formset, DeclarationForm(), change_request)
        if form.is_valid() and formset.is_valid():
            items = [
                ItemInput(
                    text=item.cleaned_data["text"],
                    editor_view=item.cleaned_data["editor_view"],
                    requirements=list(item.cleaned_data["requirements"]),
                )
                for item in formset.kept_forms()
            ]
            try:
                declaration = declarations.change_draft_create(
                    dossier=dossier,
                    actor=request.user,
                    items=items,
                    files=form.cleaned_data["attachments"],
                    change_request=change_request,
                )
            except TransitionError as exc:
                errors, status = reasons_of(exc), exc.status_code
            else:
                return redirect("changes:declaration-send", pk=declaration.pk)
        else:
            status = 400
    else:
        form = DeclarationForm()
        formset = ItemFormSet(prefix=ITEMS_PREFIX, form_kwargs=form_kwargs)
    return _declaration_page(request, dossier, formset, form, change_request, errors, status)


def _items_so_far(formset) -> list[dict]:
    """What the editor wrote in each item kept, as the initial values of the form with one
    more (empty) item for the next editorial notice."""
    kept = []
    for item in formset.forms:
        if item.data.get(item.add_prefix("DELETE")):
            continue
        kept.append(
            {
                "text": item.data.get(item.add_prefix("text"), ""),
                "editor_view": item.data.get(item.add_prefix("editor_view")),
                "requirements": item.data.getlist(item.add_prefix("requirements")),
            }
        )
    return kept[: ItemFormSet.max_num - 1]


def _declaration_page(request, dossier, formset, form, change_request, errors=(), status=200):
    return render(
        request,
        "changes/declaration/form.html",
        {
            "dossier": dossier,
            "formset": formset,
            "form": form,
            "change_request": change_request,
            "groups": version_requirement_groups(dossier.referential_version_id),
            "errors": errors,
            "can_add": formset.total_form_count() < ItemFormSet.max_num,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_send(request, pk):
    """The draft read over, then sent (the confirmation before sending)."""
    declaration = visible_declaration(request, pk)
    if declaration.state != ChangeState.DRAFT:
        return redirect("changes:declaration-detail", pk=declaration.pk)
    if not r.can_send_declaration.test(request.user, declaration):
        raise PermissionDenied(_("Seuls les membres de l'éditeur envoient cette déclaration."))
    errors, status = [], 200
    if request.method == "POST" and ConfirmForm(request.POST).is_valid():
        try:
            sent = declarations.change_send(declaration=declaration, actor=request.user)
        except TransitionError as exc:
            errors, status = reasons_of(exc), exc.status_code
        else:
            messages.success(
                request,
                _(
                    "Votre déclaration est envoyée à l'équipe référencement, qui la qualifiera "
                    "au plus tard le %(day)s."
                )
                % {"day": day_text(sent.qualification_due_on)},
            )
            return redirect("changes:declaration-detail", pk=declaration.pk)
    return render(
        request,
        "changes/declaration/send.html",
        {
            "declaration": declaration,
            "dossier": declaration.dossier,
            "due_on": qualification_due_on(timezone.now()),
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration_discard(request, pk):
    declaration = visible_declaration(request, pk)
    if not r.can_discard_declaration.test(request.user, declaration):
        raise PermissionDenied(_("Seuls les membres de l'éditeur suppriment ce brouillon."))
    dossier = declaration.dossier
    if request.method == "POST" and ConfirmForm(request.POST).is_valid():
        try:
            declarations.change_discard(declaration=declaration, actor=request.user)
        except TransitionError as exc:
            return render(
                request,
                "changes/declaration/discard.html",
                {"declaration": declaration, "dossier": dossier, "errors": reasons_of(exc)},
                status=exc.status_code,
            )
        messages.success(request, _("Le brouillon de déclaration est supprimé."))
        return redirect("applications:dossier-detail", pk=dossier.pk)
    return render(
        request,
        "changes/declaration/discard.html",
        {"declaration": declaration, "dossier": dossier, "errors": []},
    )


# -- the declaration's page -----------------------------------------------------------------------


@login_required
@require_GET
def declaration_detail(request, pk):
    declaration = visible_declaration(request, pk)
    user = request.user
    editor = r.declaration_editor.test(user, declaration)
    return render(
        request,
        "changes/declaration/detail.html",
        {
            "declaration": declaration,
            "dossier": declaration.dossier,
            "editor": editor,
            "can_send": r.can_send_declaration.test(user, declaration),
            "can_qualify": r.can_qualify_declaration.test(user, declaration),
            "due": declaration.qualification_due_on,
            "late": declaration.state == ChangeState.DECLARED
            and declaration.qualification_due_on
            and declaration.qualification_due_on < _today(),
        },
    )


def _today():
    return timezone.localdate()


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    declaration = visible_declaration(request, pk)
    attachment = next((a for a in declaration.attachments.all() if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    return private_file_response(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )

"""The editor's update of a partial re-evaluation (changes/domain/updates.py): the page that
sums up what changed on each touched requirement since the published dossier and asks for the
confirmation (« Vous ne pourrez plus modifier ces réponses »), then sends it.

A declaration one may not see answers 404; another person than its editor, 403; an update
already sent, or a declaration that awaits none, leads back to the declaration's page; a refused
sending, its reasons with a 4xx.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from dsfr.forms import DsfrBaseForm

from applications.domain.exceptions import TransitionError

from .. import rules as r
from ..domain.updates import change_update_send, update_summary
from .common import reasons_of, visible_declaration


class UpdateSendForm(DsfrBaseForm):
    """The sending's confirmation; `unchanged`: the editor sends an update that changes
    nothing, knowingly (the page offers it only then)."""

    unchanged = forms.BooleanField(
        label=gettext_lazy("Envoyer sans modification"),
        help_text=gettext_lazy(
            "Aucune réponse ni pièce des exigences touchées n'a changé : les experts évalueront "
            "les réponses du dossier publié."
        ),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_send(request, pk):
    """What the update changes, then its sending, behind the confirmation."""
    declaration = visible_declaration(request, pk)
    if not r.declaration_editor.test(request.user, declaration):
        raise PermissionDenied(
            _("Seul l'éditeur du dossier envoie la mise à jour de ses réponses.")
        )
    if not r.can_send_update.test(request.user, declaration):
        return redirect("changes:declaration-detail", pk=declaration.pk)
    form = UpdateSendForm(request.POST if request.method == "POST" else None)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        try:
            change_update_send(
                declaration=declaration,
                actor=request.user,
                unchanged_confirmed=form.cleaned_data["unchanged"],
            )
        except TransitionError as exc:
            errors, status = reasons_of(exc), exc.status_code
        else:
            messages.success(
                request,
                _(
                    "La mise à jour est envoyée : les experts des domaines touchés vont "
                    "l'évaluer. Les réponses ne sont plus modifiables."
                ),
            )
            return redirect("changes:declaration-detail", pk=declaration.pk)
    return render(
        request,
        "changes/update/send.html",
        {
            "declaration": declaration,
            "dossier": declaration.dossier,
            "summary": update_summary(declaration),
            "form": form,
            "errors": errors,
        },
        status=status,
    )

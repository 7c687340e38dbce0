from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reviews.domain.queues import expert_clearance, review_panel

from ..domain.exceptions import TransitionError
from ..domain.history import can_see_editor_changes, dossier_changes
from ..domain.queries import dossier_actions, dossiers_visible_to, visible_other_than_as_expert
from ..domain.workflow import TRANSITIONS
from ..forms.transitions import FORMS

PAGE_SIZE = 25


class DeclarationPending(Exception):
    """An expert must declare their interests before seeing anything of the dossier."""

    def __init__(self, assignment):
        self.assignment = assignment


def _visible_dossier(request, pk):
    """The dossier if the user may see it; an expert only once cleared on one of its domains."""
    dossier = get_object_or_404(
        dossiers_visible_to(request.user).select_related("service__organisation"), pk=pk
    )
    if visible_other_than_as_expert(request.user, dossier):
        dossier.expert_only = False
        return dossier
    cleared, pending = expert_clearance(dossier=dossier, user=request.user)
    if not cleared:
        if pending is None:
            raise Http404
        raise DeclarationPending(pending)
    dossier.expert_only = True
    return dossier


@login_required
def dossier_detail(request, pk):
    try:
        dossier = _visible_dossier(request, pk)
    except DeclarationPending as pending:
        return redirect("reviews:assignment-declare", pk=pending.assignment.pk)
    logs = dossier.transition_logs.select_related("actor").order_by("-seq")
    paginator = Paginator(logs, 50)
    show_changes = not dossier.expert_only and can_see_editor_changes.test(request.user, dossier)
    changes = dossier_changes(dossier=dossier, user=request.user) if show_changes else []
    return render(
        request,
        "applications/dossier/detail.html",
        {
            "dossier": dossier,
            "timeline": paginator.get_page(request.GET.get("page")),
            "show_changes": show_changes,
            "changes": Paginator(changes, 50).get_page(request.GET.get("modifications")),
            "actions": dossier_actions(dossier=dossier, user=request.user),
            "review_panel": review_panel(dossier=dossier, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_transition(request, pk, name):
    try:
        dossier = _visible_dossier(request, pk)
    except DeclarationPending as pending:
        return redirect("reviews:assignment-declare", pk=pending.assignment.pk)
    info = TRANSITIONS.get(name)
    if info is None:
        raise Http404
    action = next(
        (a for a in dossier_actions(dossier=dossier, user=request.user) if a.name == name), None
    )
    if action is None:
        # The page a user reached through a stale link: tell them, without acting.
        messages.error(request, _("Cette action n'est pas disponible pour vous sur ce dossier."))
        return render(
            request,
            "applications/dossier/transition.html",
            {"dossier": dossier, "info": info, "action": None, "form": None},
            status=403,
        )
    form_class = FORMS[info.form]
    form = form_class(
        request.POST or None,
        comment_required=info.comment_required,
        prefix="transition",
        dossier=dossier,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                info.service(dossier=dossier, actor=request.user, **form.service_kwargs())
            except TransitionError as exc:
                form.add_error(None, str(exc))
                status = exc.status_code
            else:
                messages.success(
                    request, _("Action « %(action)s » effectuée.") % {"action": info.label}
                )
                return redirect("applications:dossier-detail", pk=dossier.pk)
        else:
            status = 400
    return render(
        request,
        "applications/dossier/transition.html",
        {"dossier": dossier, "info": info, "action": action, "form": form},
        status=status,
    )

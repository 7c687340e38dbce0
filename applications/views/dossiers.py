from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalogue.domain import publication
from catalogue.forms_measures import DereferencingForm, ReinstatementForm, SuspensionForm
from decisions.domain.services import dossier_decide
from decisions.forms import DecisionForm
from reviews.domain.commission import dossier_record_opinion
from reviews.domain.complements import dossier_request_complements
from reviews.domain.report import dossier_complete_evaluation
from reviews.domain.sessions import dossier_schedule
from reviews.forms import ProvideComplementsForm
from reviews.forms_commission import OpinionForm, ScheduleForm

from ..domain import transitions as t
from ..domain.dossier_page import dossier_page
from ..domain.exceptions import TransitionError
from ..domain.queries import dossier_actions, dossiers_visible_to, visible_other_than_as_expert
from ..domain.workflow import TRANSITIONS
from ..forms.transitions import TransitionForm

#: The one place an action name meets the service that carries it out and the form that asks
#: for its arguments (each service lives with the data its transition writes); the actions
#: asked on a page of their own are in `ACTION_PAGES` below.
DISPATCH = {
    "submit": (t.dossier_submit, TransitionForm),
    "resubmit": (t.dossier_resubmit, TransitionForm),
    "provide_complements": (t.dossier_provide_complements, ProvideComplementsForm),
    "withdraw": (t.dossier_withdraw, TransitionForm),
    "declare_incomplete": (t.dossier_declare_incomplete, TransitionForm),
    "start_evaluation": (t.dossier_start_evaluation, TransitionForm),
    "request_complements": (dossier_request_complements, TransitionForm),  # asked on its page
    "complete_evaluation": (dossier_complete_evaluation, TransitionForm),
    "schedule": (dossier_schedule, ScheduleForm),
    "lift_reservations": (t.dossier_lift_reservations, TransitionForm),
    "record_opinion": (dossier_record_opinion, OpinionForm),
    "decide": (dossier_decide, DecisionForm),
    "publish": (publication.dossier_publish, TransitionForm),
    "suspend": (publication.dossier_suspend, SuspensionForm),
    "reinstate": (publication.dossier_reinstate, ReinstatementForm),
    "dereference": (publication.dossier_dereference, DereferencingForm),
}

#: The actions asked on a page of their own, a reason or a question per requirement: the one
#: way in that the dossier page offers for them (applications/domain/dossier_page.py).
ACTION_PAGES = {
    "declare_incomplete": "reviews:incompleteness-declare",
    "request_complements": "reviews:complements-request",
}
#: Of those, the ones whose generic confirmation page is no way in at all: a complements request
#: without its questions would leave the editor nothing to answer.
ONLY_ON_THEIR_PAGE = frozenset({"request_complements"})


def _visible_dossier(request, pk):
    """The dossier if the user may see it (`dossiers_visible_to` already leaves out an expert
    who is not cleared on it); `expert_only` when only their cleared assignments open it."""
    dossier = get_object_or_404(
        dossiers_visible_to(request.user).select_related("service__organisation"), pk=pk
    )
    dossier.expert_only = not visible_other_than_as_expert(request.user, dossier)
    return dossier


@login_required
def dossier_detail(request, pk):
    dossier = _visible_dossier(request, pk)
    page = dossier_page(
        dossier=dossier,
        user=request.user,
        expert_only=dossier.expert_only,
        timeline_page=request.GET.get("page"),
        changes_page=request.GET.get("modifications"),
        action_pages=ACTION_PAGES,
    )
    return render(
        request,
        "applications/dossier/detail.html",
        {
            "page": page,
            "dossier": page.dossier,
            "timeline": page.timeline,
            "show_changes": page.show_changes,
            "changes": page.changes,
            "actions": page.actions,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_transition(request, pk, name):
    dossier = _visible_dossier(request, pk)
    if name in ONLY_ON_THEIR_PAGE:
        return redirect(ACTION_PAGES[name], pk=dossier.pk)
    info = TRANSITIONS.get(name)
    if info is None or name not in DISPATCH:
        raise Http404
    service, form_class = DISPATCH[name]
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
                service(dossier=dossier, actor=request.user, **form.service_kwargs())
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

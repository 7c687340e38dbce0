"""Assigning experts and changing an assignment's expert or due date (instructors), declaring
interests (experts)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.domain.applicability import applicable_domains
from applications.enums import Domain

from ..domain.assignments import (
    ASSIGNABLE_STATES,
    assignment_change_blocker,
    assignment_change_due_date,
    assignment_changes,
    assignment_create,
    assignment_declare,
    assignment_replace_expert,
    eligible_experts,
)
from ..forms import AssignmentForm, DeclarationForm, DueDateChangeForm, ExpertReplaceForm
from ..models import Assignment, DomainEvaluation
from ..rules import assignment_awaiting_declaration, cleared_assignments
from .common import instructor_dossier

#: The due date offered by default, counted from today.
DEFAULT_DUE_DAYS = 21


def _domain_rows(dossier, *, bound=None):
    """Per applicable domain: its active assignment (and whether it may still change), the
    released ones, the changes made, and the form."""
    assignments = dossier.assignments.select_related("expert").order_by("assigned_at", "pk")
    by_domain: dict[str, list[Assignment]] = {}
    for assignment in assignments:
        by_domain.setdefault(assignment.domain, []).append(assignment)
    changes: dict[str, list] = {}
    for change in assignment_changes(dossier):
        changes.setdefault(change.domain, []).append(change)
    replaced = {change.assignment_id for changes_ in changes.values() for change in changes_}
    signed = set(DomainEvaluation.objects.filter(dossier=dossier).values_list("domain", flat=True))
    open_to_assignment = dossier.state in ASSIGNABLE_STATES
    rows = []
    for code in applicable_domains(dossier):
        history = by_domain.get(code, [])
        active = next((a for a in history if a.released_at is None), None)
        form = None
        if active is None and open_to_assignment:
            if bound is not None and bound.prefix == code:
                form = bound
            else:
                form = AssignmentForm(
                    prefix=code,
                    experts=eligible_experts(dossier=dossier, domain=code),
                    initial={"due_on": timezone.localdate() + timedelta(days=DEFAULT_DUE_DAYS)},
                )
        rows.append(
            {
                "code": code,
                "label": Domain(code).label,
                "active": active,
                "changeable": active is not None and open_to_assignment and code not in signed,
                "signed": code in signed,
                "released": [(a, a.pk in replaced) for a in history if a.released_at is not None],
                "changes": changes.get(code, []),
                "form": form,
            }
        )
    return rows


def _render(request, dossier, *, bound=None, status=200):
    return render(
        request,
        "reviews/dossier/assignments.html",
        {
            "dossier": dossier,
            "rows": _domain_rows(dossier, bound=bound),
            "open": dossier.state in ASSIGNABLE_STATES,
        },
        status=status,
    )


@login_required
@require_GET
def dossier_assignments(request, pk):
    dossier = instructor_dossier(request, pk)
    return _render(request, dossier)


@login_required
@require_POST
def assignment_create_view(request, pk, domain):
    dossier = instructor_dossier(request, pk)
    if domain not in applicable_domains(dossier):
        raise Http404
    if dossier.state not in ASSIGNABLE_STATES:
        messages.error(request, _("Les experts ne peuvent plus être affectés à ce stade."))
        return _render(request, dossier, status=403)
    form = AssignmentForm(
        request.POST,
        prefix=domain,
        experts=eligible_experts(dossier=dossier, domain=domain),
    )
    if form.is_valid():
        try:
            assignment = assignment_create(
                dossier=dossier,
                domain=domain,
                expert=form.cleaned_data["expert"],
                actor=request.user,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Affectation enregistrée : %(expert)s, domaine « %(domain)s ».")
                % {"expert": assignment.expert, "domain": assignment.get_domain_display()},
            )
            return redirect("reviews:dossier-assignments", pk=dossier.pk)
    return _render(request, dossier, bound=form, status=400)


def _instructor_assignment(request, pk) -> Assignment:
    """An assignment of a dossier the instructor may instruct: 404 for anyone who does not see
    the dossier (an expert sees only their own), 403 for another role that sees it."""
    assignment = get_object_or_404(Assignment.objects.select_related("expert"), pk=pk)
    assignment.dossier = instructor_dossier(request, assignment.dossier_id)
    return assignment


def _change_page(request, assignment, form, *, kind, status=200):
    return render(
        request,
        "reviews/assignment/change.html",
        {
            "assignment": assignment,
            "dossier": assignment.dossier,
            "form": form,
            "kind": kind,
            "blocker": assignment_change_blocker(assignment),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_replace_view(request, pk):
    """Another expert for the domain: the page says what follows, the instructor gives the
    expert and the reason, and confirms."""
    assignment = _instructor_assignment(request, pk)
    experts = eligible_experts(dossier=assignment.dossier, domain=assignment.domain).exclude(
        pk=assignment.expert_id
    )
    form = ExpertReplaceForm(request.POST or None, experts=experts)
    if request.method == "GET":
        return _change_page(request, assignment, form, kind="expert")
    if form.is_valid():
        try:
            replacement = assignment_replace_expert(
                assignment=assignment,
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
                    "Remplacement enregistré pour le domaine « %(domain)s » : %(expert)s reçoit "
                    "l'invitation à déclarer ses intérêts ; %(previous)s n'a plus accès au "
                    "dossier."
                )
                % {
                    "domain": replacement.get_domain_display(),
                    "expert": replacement.expert,
                    "previous": assignment.expert,
                },
            )
            return redirect("reviews:dossier-assignments", pk=assignment.dossier_id)
    return _change_page(request, assignment, form, kind="expert", status=400)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_due_date_view(request, pk):
    """Another due date: not a past day, with a reason, confirmed."""
    assignment = _instructor_assignment(request, pk)
    form = DueDateChangeForm(request.POST or None, initial={"due_on": assignment.due_on})
    if request.method == "GET":
        return _change_page(request, assignment, form, kind="due_date")
    if form.is_valid():
        try:
            changed = assignment_change_due_date(
                assignment=assignment,
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "Nouvelle date de rendu pour le domaine « %(domain)s » : %(date)s ; un "
                    "courriel en informe %(expert)s."
                )
                % {
                    "domain": changed.get_domain_display(),
                    "date": date_format(changed.due_on, "DATE_FORMAT"),
                    "expert": changed.expert,
                },
            )
            return redirect("reviews:dossier-assignments", pk=assignment.dossier_id)
    return _change_page(request, assignment, form, kind="due_date", status=400)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_declare_view(request, pk):
    """The expert sees the service and its editor only, and declares their interests: the one
    page an assignment awaiting their declaration opens (reviews/rules.py). Once declared
    without conflict it leads to the evaluation; released, it answers 404."""
    assignment = assignment_awaiting_declaration(request.user, pk)
    if assignment is None:
        cleared = get_object_or_404(cleared_assignments(request.user), pk=pk)
        return redirect("reviews:evaluation", pk=cleared.dossier_id, domain=cleared.domain)
    dossier = assignment.dossier
    form = DeclarationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assignment_declare(
                    assignment=assignment,
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
                            "affectera un autre expert à ce dossier."
                        ),
                    )
                    return redirect("reviews:expert-queue")
                messages.success(
                    request, _("Votre déclaration est enregistrée : le dossier vous est ouvert.")
                )
                return redirect("reviews:evaluation", pk=dossier.pk, domain=assignment.domain)
        status = 400
    return render(
        request,
        "reviews/assignment/declare.html",
        {
            "assignment": assignment,
            "service": dossier.service,
            "organisation": dossier.service.organisation,
            "form": form,
        },
        status=status,
    )

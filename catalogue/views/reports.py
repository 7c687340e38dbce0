"""Reports from the public and the controls they open (catalogue/domain/reports.py, controls.py).

- The public form, `/catalogue/services/<slug>/signaler/` (linked from the service's page, which
  the public cache keeps; this one never is: it carries each visitor's CSRF token, and answers
  `Cache-Control: no-store`). A filled-in honeypot gets the same success page and stores
  nothing; beyond the day's limits the form answers 429 with a French message. The client's
  address is the API throttle's (`client_address`: REMOTE_ADDR, or the trusted proxies').
- The instruction team's list (what it has to do first, a filter by state, pages) and the
  report's page, with its moves, each behind a confirmation page; the editor's answer; the
  control's page, its findings and its conclusion.

Thin views: a form validates, one service acts, a message, a redirect. A report or control the
user may not see answers 404; an action they may not take, 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.domain.exceptions import TransitionError, TransitionForbidden

from .. import rules as r
from ..api.throttling import client_address
from ..domain import controls, reports
from ..domain.publication import listing_for_public
from ..enums import ReportState
from ..forms_reports import (
    AnswerForm,
    ConcludeForm,
    ConfirmForm,
    FindingForm,
    ReportFilterForm,
    ReportForm,
    SendToEditorForm,
    UnfoundedForm,
)
from ..models import Listing

LIST_PAGE_SIZE = 25


def _forbidden_if(exc: TransitionError) -> None:
    if isinstance(exc, TransitionForbidden):
        raise PermissionDenied(str(exc)) from exc


def _errors(exc: TransitionError) -> list[str]:
    return getattr(exc, "reasons", None) or [str(exc)]


# -- the public -----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report_create(request, slug):
    listing = listing_for_public(slug)
    if listing is None:
        raise Http404
    form = ReportForm(request.POST if request.method == "POST" else None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_robot():
            return redirect("catalogue:report-sent", slug=listing.slug)
        if form.is_valid():
            try:
                reports.report_create(
                    listing=listing,
                    category=form.cleaned_data["category"],
                    description=form.cleaned_data["description"],
                    email=form.cleaned_data["email"],
                    address=client_address(request),
                )
            except TransitionError as exc:
                errors, status = _errors(exc), exc.status_code
            else:
                return redirect("catalogue:report-sent", slug=listing.slug)
        else:
            status = 400
    return render(
        request,
        "catalogue/reports/form.html",
        {"listing": listing, "card": listing.card, "form": form, "errors": errors},
        status=status,
    )


@never_cache
@require_GET
def report_sent(request, slug):
    listing = get_object_or_404(Listing.objects.select_related("card"), slug=slug)
    return render(
        request,
        "catalogue/reports/sent.html",
        {"listing": listing, "card": listing.card, "answer_days": settings.REPORT_ANSWER_DAYS},
    )


# -- the instruction team and the editor ----------------------------------------------------------


@login_required
@require_GET
def report_list(request):
    if not r.can_see_reports.test(request.user):
        raise PermissionDenied
    filters = ReportFilterForm(request.GET)
    state = filters.cleaned_data["etat"] if filters.is_valid() else ""
    rows = reports.reports_for_list(request.user, state=state or None)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/reports/list.html",
        {
            "page": page,
            "filters": filters,
            "state": state,
            "query": f"etat={state}&" if state else "",
            "staff": r.report_staff.test(request.user),
        },
    )


def _visible_report(request, pk):
    report = reports.report_for_page(request.user, pk)
    if report is None:
        raise Http404
    return report


@login_required
@require_GET
def report_detail(request, pk):
    report = _visible_report(request, pk)
    user = request.user
    control = getattr(report, "control", None)  # a reverse one-to-one: None when there is none
    return render(
        request,
        "catalogue/reports/detail.html",
        {
            "report": report,
            "control": control,
            "show_email": r.can_see_reporter_email.test(user),
            "can_unfounded": r.can_mark_report_unfounded.test(user, report),
            "can_send": r.can_send_report_to_editor.test(user, report),
            "can_control": r.can_open_control.test(user, report),
            "can_answer": r.can_answer_report.test(user, report),
        },
    )


def _confirm(request, report, *, title, intro, form, act, back, warning=""):
    """The confirmation page (GET), then the move (POST): `act(form)` runs the service and
    returns where to go; None when it did not happen (the page again, with why)."""
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                return act(form)
            except TransitionError as exc:
                _forbidden_if(exc)
                errors, status = _errors(exc), exc.status_code
        else:
            status = 400
    return render(
        request,
        "catalogue/reports/confirm.html",
        {
            "report": report,
            "title": title,
            "intro": intro,
            "warning": warning,
            "form": form,
            "errors": errors,
            "back": back,
        },
        status=status,
    )


def _bound(request, form_class, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _triager_only(request):
    if not r.report_triager.test(request.user):
        raise PermissionDenied(_("Seule l'équipe référencement trie les signalements."))


@login_required
@require_http_methods(["GET", "POST"])
def report_unfounded(request, pk):
    report = _visible_report(request, pk)
    _triager_only(request)

    def act(form):
        reports.report_mark_unfounded(
            report=report, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Le signalement est classé non fondé."))
        return redirect("catalogue:report-list")

    return _confirm(
        request,
        report,
        title=_("Classer le signalement non fondé"),
        intro=_("Le signalement sera clos : il ne pourra plus être transmis ni contrôlé."),
        form=_bound(request, UnfoundedForm),
        act=act,
        back=reverse("catalogue:report-detail", args=[report.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_send(request, pk):
    report = _visible_report(request, pk)
    _triager_only(request)

    def act(form):
        sent = reports.report_send_to_editor(
            report=report, actor=request.user, question=form.cleaned_data["question"]
        )
        messages.success(
            request,
            _("Le signalement est transmis à l'éditeur, qui doit répondre au plus tard le %(day)s.")
            % {"day": _day(sent.answer_due_on)},
        )
        return redirect("catalogue:report-detail", pk=report.pk)

    return _confirm(
        request,
        report,
        title=_("Transmettre le signalement à l'éditeur"),
        intro=_(
            "Les membres de l'organisation de l'éditeur recevront un courriel et répondront "
            "sur la page du signalement. L'adresse électronique de la personne qui l'a fait ne "
            "leur est jamais montrée."
        ),
        form=_bound(request, SendToEditorForm),
        act=act,
        back=reverse("catalogue:report-detail", args=[report.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_answer(request, pk):
    report = _visible_report(request, pk)
    if not r.report_editor.test(request.user, report):
        raise PermissionDenied(_("Seuls les membres de l'éditeur du service répondent."))

    def act(form):
        reports.report_answer(report=report, actor=request.user, answer=form.cleaned_data["answer"])
        messages.success(request, _("Votre réponse est transmise à l'équipe référencement."))
        return redirect("catalogue:report-detail", pk=report.pk)

    return _confirm(
        request,
        report,
        title=_("Répondre au signalement"),
        intro=_("L'équipe référencement lira votre réponse avec le signalement."),
        warning=_("Une fois envoyée, la réponse ne peut plus être modifiée."),
        form=_bound(request, AnswerForm),
        act=act,
        back=reverse("catalogue:report-detail", args=[report.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_open_control(request, pk):
    report = _visible_report(request, pk)
    _triager_only(request)

    def act(form):
        control = controls.control_open(report=report, actor=request.user)
        messages.success(request, _("Le contrôle est ouvert : notez ses constats."))
        return redirect("catalogue:control-detail", pk=control.pk)

    intro = _(
        "Vous contrôlerez le service exigence par exigence ; la conclusion du contrôle pourra "
        "proposer sa suspension au ministère et à l'administration."
    )
    if report.state == ReportState.AWAITING_EDITOR:
        intro += " " + _("L'éditeur ne pourra plus répondre à ce signalement.")
    return _confirm(
        request,
        report,
        title=_("Ouvrir un contrôle"),
        intro=intro,
        form=_bound(request, ConfirmForm),
        act=act,
        back=reverse("catalogue:report-detail", args=[report.pk]),
    )


def _day(day) -> str:
    return date_format(day, "j F Y")


# -- controls -------------------------------------------------------------------------------------


def _visible_control(request, pk):
    control = controls.control_for_page(request.user, pk)
    if control is None:
        raise Http404
    return control


def _control_page(request, control, *, form=None, errors=(), status=200):
    may_record = r.can_record_finding.test(request.user, control)
    if form is None and may_record:
        form = FindingForm(requirements=controls.control_requirements(control))
    return render(
        request,
        "catalogue/reports/control.html",
        {
            "control": control,
            "findings": controls.control_findings(control),
            "form": form if may_record else None,
            "errors": errors,
            "can_conclude": r.can_conclude_control.test(request.user, control),
        },
        status=status,
    )


@login_required
@require_GET
def control_detail(request, pk):
    return _control_page(request, _visible_control(request, pk))


@login_required
@require_POST
def control_finding(request, pk):
    control = _visible_control(request, pk)
    if not r.report_triager.test(request.user):
        raise PermissionDenied(_("Seule l'équipe référencement note les constats."))
    form = FindingForm(request.POST, requirements=controls.control_requirements(control))
    if not form.is_valid():
        return _control_page(request, control, form=form, status=400)
    try:
        controls.finding_record(
            control=control,
            actor=request.user,
            requirement_id=form.cleaned_data["requirement"],
            verdict=form.cleaned_data["verdict"],
            text=form.cleaned_data["text"],
        )
    except TransitionError as exc:
        _forbidden_if(exc)
        return _control_page(
            request, control, form=form, errors=_errors(exc), status=exc.status_code
        )
    messages.success(request, _("Le constat est enregistré."))
    return redirect("catalogue:control-detail", pk=control.pk)


@login_required
@require_http_methods(["GET", "POST"])
def control_conclude(request, pk):
    control = _visible_control(request, pk)
    if not r.report_triager.test(request.user):
        raise PermissionDenied(_("Seule l'équipe référencement conclut un contrôle."))

    def act(form):
        concluded = controls.control_conclude(
            control=control,
            actor=request.user,
            conclusion=form.cleaned_data["conclusion"],
            proposes_suspension=form.cleaned_data["proposes_suspension"],
        )
        if concluded.proposes_suspension:
            messages.success(
                request,
                _(
                    "Le contrôle est conclu ; la proposition de suspension est transmise au "
                    "ministère et à l'administration."
                ),
            )
        else:
            messages.success(request, _("Le contrôle est conclu."))
        return redirect("catalogue:control-detail", pk=control.pk)

    return _confirm(
        request,
        control.report,
        title=_("Conclure le contrôle"),
        intro=_("Les constats notés et la conclusion seront définitifs."),
        warning=_("Cette action est irréversible : le contrôle ne pourra plus être modifié."),
        form=_bound(request, ConcludeForm),
        act=act,
        back=reverse("catalogue:control-detail", args=[control.pk]),
    )

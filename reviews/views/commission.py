"""The commission's sessions: the list, the creation by an instructor, a session with its members,
attendance and agenda, and its minutes (procès-verbal) as a PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import rules as r
from portal.pdf import render_pdf

from ..domain.commission_pages import (
    may_list_sessions,
    minutes_context,
    session_page,
    sessions_for_list,
    sessions_visible_to,
)
from ..domain.sessions import (
    commission_session_create,
    may_record_attendance,
    minutes_final,
    session_attendance_record,
)
from ..forms_commission import AttendanceForm, SessionCreateForm
from .common import PAGE_SIZE, require_instructor

MINUTES_TEMPLATE = "reviews/commission/minutes.html"


def _visible_session(request, pk):
    return get_object_or_404(sessions_visible_to(request.user), pk=pk)


@login_required
@require_GET
def session_list(request):
    if not may_list_sessions(request.user):
        raise PermissionDenied
    page = Paginator(sessions_for_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/commission/sessions.html",
        {"page": page, "can_create": r.is_instructor.test(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    require_instructor(request)
    form = SessionCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = commission_session_create(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    date=form.cleaned_data["date"],
                    members=list(form.cleaned_data["members"]),
                    chair=form.cleaned_data["chair"],
                    quorum_ratio=form.cleaned_data["quorum_ratio"],
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(
                    request, _("La séance « %(title)s » est créée.") % {"title": session.title}
                )
                return redirect("reviews:commission-session", pk=session.pk)
        status = 400
    return render(request, "reviews/commission/session_form.html", {"form": form}, status=status)


def _render_session(request, session, *, attendance_form=None, status=200):
    page = session_page(session=session, user=request.user)
    if page.can_record_attendance and attendance_form is None:
        attendance_form = AttendanceForm(members=page.members, prefix="presences")
    return render(
        request,
        "reviews/commission/session.html",
        {"page": page, "attendance_form": attendance_form},
        status=status,
    )


@login_required
@require_GET
def session_detail(request, pk):
    return _render_session(request, _visible_session(request, pk))


@login_required
@require_POST
def session_attendance(request, pk):
    session = _visible_session(request, pk)
    if not may_record_attendance(request.user, session):
        raise PermissionDenied
    members = list(session.members.select_related("user").order_by("-is_chair", "pk"))
    form = AttendanceForm(request.POST, members=members, prefix="presences")
    if form.is_valid():
        try:
            count = session_attendance_record(
                session=session,
                actor=request.user,
                present_member_ids=form.cleaned_data["present"],
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Présences enregistrées : %(n)s membre en séance.",
                    "Présences enregistrées : %(n)s membres en séance.",
                    count,
                )
                % {"n": count},
            )
            return redirect("reviews:commission-session", pk=session.pk)
    return _render_session(request, session, attendance_form=form, status=400)


@login_required
@require_GET
def session_minutes(request, pk):
    """The minutes, drawn up on request (≈ 0.1 s) from the closed votes, which no longer
    change: session members, instructors, the ministry and administrators; 404 otherwise."""
    session = _visible_session(request, pk)
    if not minutes_final(session):
        raise Http404
    with translation.override("fr"):
        content = render_pdf(MINUTES_TEMPLATE, minutes_context(session))
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"proces-verbal-seance-{session.date:%Y-%m-%d}-{session.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

"""The instructors' queue and the experts' queue, each with the search of every staff list."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications import rules as r
from applications.domain.dossier_search import search_text
from applications.domain.pagination import HorizonPaginator
from portal.views import list_section

from ..domain.queues import (
    EXPERT_ALL,
    EXPERT_FINISHED,
    EXPERT_TODO,
    EXPERT_VIEW_CHOICES,
    QUEUE_STATES,
    expert_queue,
    expert_rows,
    expert_view,
    instructor_queue,
    instructor_queue_tabs,
    queue_rows,
)
from .common import PAGE_SIZE, require_instructor


@login_required
@require_GET
def instructor_queue_view(request):
    require_instructor(request)
    q = search_text(request.GET.get("q"))
    tabs = instructor_queue_tabs(q=q)
    state = request.GET.get("etat")
    current = next((tab for tab in tabs if tab.state == state), tabs[0])
    # The tab already counted the state's dossiers: the paginator reuses that figure when exact.
    paginator = HorizonPaginator(instructor_queue(current.state, q), PAGE_SIZE, count=current.total)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = queue_rows(page.object_list)
    queue = list_section(
        key="file",
        title=_("File d'instruction"),
        caption=_("Dossiers « %(state)s », les plus anciens en premier") % {"state": current.label},
        page=page,
        choices=(),
        view=current.state,
        view_label=current.label,
        q=q,
        view_param="etat",
        q_param="q",
        page_param="page",
        all_view=current.state,
        table="reviews/queue/_instructor_table.html",
    )
    return render(
        request,
        "reviews/queue/instructor.html",
        {
            "tabs": tabs,
            "current": current,
            "page": page,
            "rows": page.object_list,
            "states": QUEUE_STATES,
            "queue": queue,
            "action": reverse("reviews:instructor-queue"),
        },
    )


@login_required
@require_GET
def expert_queue_view(request):
    if not r.is_expert.test(request.user):
        raise PermissionDenied
    view = expert_view(request.GET.get("vue"))
    q = search_text(request.GET.get("q"))
    page = HorizonPaginator(expert_queue(request.user, view=view, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = expert_rows(page.object_list)
    queue = list_section(
        key="evaluations",
        title=_("Mes évaluations"),
        caption=_("Mes affectations à traiter, la plus urgente en premier")
        if view == EXPERT_TODO
        else dict(EXPERT_VIEW_CHOICES)[view],
        page=page,
        choices=EXPERT_VIEW_CHOICES,
        view=view,
        q=q,
        view_param="vue",
        q_param="q",
        page_param="page",
        all_view=EXPERT_ALL,
        assignments=True,
    )
    return render(
        request,
        "reviews/queue/expert.html",
        {
            "finished": view == EXPERT_FINISHED,
            "page": page,
            "rows": page.object_list,
            "queue": queue,
            "action": reverse("reviews:expert-queue"),
        },
    )

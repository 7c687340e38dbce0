"""The instructors' queue and the experts' queue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from applications import rules as r
from applications.domain.pagination import HorizonPaginator

from ..domain.queues import (
    QUEUE_STATES,
    expert_queue,
    expert_rows,
    instructor_queue,
    instructor_queue_tabs,
    queue_rows,
)
from .common import PAGE_SIZE, require_instructor


@login_required
@require_GET
def instructor_queue_view(request):
    require_instructor(request)
    tabs = instructor_queue_tabs()
    state = request.GET.get("etat")
    current = next((tab for tab in tabs if tab.state == state), tabs[0])
    # The tab already counted the state's dossiers: the paginator reuses that figure when exact.
    paginator = HorizonPaginator(instructor_queue(current.state), PAGE_SIZE, count=current.total)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/queue/instructor.html",
        {
            "tabs": tabs,
            "current": current,
            "page": page,
            "rows": queue_rows(page.object_list),
            "states": QUEUE_STATES,
        },
    )


@login_required
@require_GET
def expert_queue_view(request):
    if not r.is_expert.test(request.user):
        raise PermissionDenied
    finished = request.GET.get("vue") == "terminees"
    page = HorizonPaginator(expert_queue(request.user, finished=finished), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/queue/expert.html",
        {"finished": finished, "page": page, "rows": expert_rows(page.object_list)},
    )

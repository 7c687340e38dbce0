from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applications.domain.queries import dossiers_for_role

from .accounts.roles import Role

ROLE_HOME_TITLES = {
    Role.EDITOR: _("Mes dossiers"),
    Role.INSTRUCTOR: _("Dossiers à instruire"),
    Role.EXPERT: _("Mes évaluations"),
    Role.COMMISSION_MEMBER: _("Dossiers inscrits en commission"),
    Role.MINISTRY: _("Dossiers soumis à décision"),
    Role.ADMIN: _("Tous les dossiers déposés"),
}
PAGE_SIZE = 25


def home(request):
    """The landing page, or for a signed-in person the dossiers that concern each of their roles."""
    if not request.user.is_authenticated:
        return render(request, "portal/home_anonymous.html")
    sections = []
    for role in Role:
        if not request.user.has_role(role):
            continue
        page_param = f"page-{role}"
        paginator = Paginator(dossiers_for_role(request.user, role), PAGE_SIZE)
        sections.append(
            {
                "role": role,
                "title": ROLE_HOME_TITLES[role],
                "page": paginator.get_page(request.GET.get(page_param)),
                "page_param": page_param,
            }
        )
    organisations = request.user.memberships.select_related("organisation")
    return render(
        request,
        "portal/home.html",
        {
            "sections": sections,
            "organisations": [m.organisation for m in organisations],
            "is_editor": request.user.has_role(Role.EDITOR),
        },
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    from .celery import app

    if app.conf.task_always_eager:
        return True  # development: no broker, tasks run in the request
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            **{k: "ok" if v else "error" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )

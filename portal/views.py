from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applications.domain.pagination import HorizonPaginator
from applications.domain.queries import dossiers_for_role

from . import health
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
        paginator = HorizonPaginator(dossiers_for_role(request.user, role), PAGE_SIZE)
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


@require_GET
def favicon(request):
    """The State's icon, for pages that link none (the admin's)."""
    return redirect(static("dsfr/dist/favicon/favicon.ico"), permanent=True)


@require_GET
def admin_login(request):
    """The admin's login page hands over to allauth's sign-in (password, then TOTP), keeping the
    page the person was going to when it is one of ours."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def _database_ok() -> bool:
    return health.database_ok()  # live, on every call


def _broker_ok() -> bool:
    return health.broker_ok()  # a pooled ping, its answer kept a few seconds (portal/health.py)


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

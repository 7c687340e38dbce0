from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applications.domain.dossier_lists import (
    ALL,
    Delay,
    DossierRow,
    ListCriteria,
    dossier_rows,
    ministry_list,
    role_list_page,
    view_choices,
)
from applications.domain.dossier_search import search_text
from applications.domain.pagination import HorizonPaginator
from applications.enums import DossierState
from applications.models import Dossier, Service
from catalogue.domain.todo import admin_list, editor_list
from reviews.domain.queues import (
    EXPERT_ALL,
    EXPERT_VIEW_CHOICES,
    expert_queue,
    expert_rows,
    expert_view,
)
from reviews.domain.todo import commission_list, instructor_list

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
#: Each role's list of dossiers, written by the app that knows what waits for that role (the
#: experts' list is of their assignments: reviews/domain/queues.py).
ROLE_LISTS = {
    Role.EDITOR: editor_list,
    Role.INSTRUCTOR: instructor_list,
    Role.COMMISSION_MEMBER: commission_list,
    Role.MINISTRY: ministry_list,
    Role.ADMIN: admin_list,
}
#: Panels other apps add under a role's list on the home page, registered in their apps.py
#: (changes/apps.py): role -> builders(user) returning an object with a `template`, or None.
HOME_PANELS: dict[str, list] = {}
PAGE_SIZE = 25
#: What a row of a home list reads of its dossier (templates/applications/dossier/_table.html,
#: the deadline: applications/domain/deadlines.py): a page of 25 dossiers read whole, with every
#: field of the dossier, its service and its organisation, costs twice as much to build.
ROW_FIELDS = (
    "reference",
    "state",
    "state_changed_at",
    "submitted_at",
    "created_at",
    "service__name",
    "service__organisation__name",
)


@dataclass(frozen=True)
class HomeRow:
    """A row of a home list as its table shows it: the dossier, its stage's delay, its state's
    label and tone read once per page and state (a model's `get_state_display` hashes every
    translated label of the workflow on each call), and the commission's session date when
    the list has one (`commission_list`)."""

    dossier: Dossier
    delay: Delay
    state_label: str
    state_tone: str
    session_date: date | None = None


def row_dossiers(dossiers: QuerySet) -> QuerySet:
    """The dossiers of a page, with what a home row shows of them and nothing more."""
    return dossiers.select_related("service__organisation").only(*ROW_FIELDS)


def home_rows(rows: list[DossierRow]) -> list[HomeRow]:
    states: dict[str, tuple[str, str]] = {}
    built = []
    for row in rows:
        dossier = row.dossier
        if dossier.state not in states:
            state = DossierState(dossier.state)
            states[dossier.state] = (str(state.label), state.tone)
        label, tone = states[dossier.state]
        session_date = getattr(dossier, "session_date", None)
        built.append(HomeRow(dossier, row.delay, label, tone, session_date))
    return built


def section_params(role) -> tuple[str, str, str]:
    """The query-string names of a home section: its filter, its search, its page."""
    return f"etat-{role}", f"q-{role}", f"page-{role}"


def _query(params: dict, *, without=()) -> str:
    """`params` as a query string ending with "&" (for a link to add its own), minus `without`."""
    pairs = [(name, value) for name, value in params.items() if name not in without and value]
    return urlencode(pairs) + "&" if pairs else ""


def list_section(
    *,
    key: str,
    title,
    page,
    choices,
    view: str,
    q: str,
    view_param: str,
    q_param: str,
    page_param: str,
    all_view: str,
    known: dict | None = None,
    assignments: bool = False,
    table: str = "",
    caption=None,
    view_label=None,
) -> dict:
    """What `templates/portal/_list.html` needs for one list (a home section, a queue): its
    filter and search as submitted, and the links that keep them and `known`'s other
    parameters (another section's)."""
    own = {view_param: view, q_param: q}
    others = {
        name: value
        for name, value in (known or {}).items()
        if name not in (view_param, q_param, page_param)
    }
    return {
        "key": key,
        "title": title,
        "assignments": assignments,
        "table": table
        or (
            "reviews/queue/_expert_table.html"
            if assignments
            else "applications/dossier/_table.html"
        ),
        "caption": caption or title,
        "view_param": view_param,
        "q_param": q_param,
        "page_param": page_param,
        "view": view,
        "is_todo": view == "",
        "view_label": view_label or dict(choices).get(view, ""),
        "choices": choices,
        "q": q,
        "page": page,
        "keep": list(others.items()),
        "query": _query({**others, **own}),
        "clear_search": "?" + _query({**others, view_param: view}),
        "show_all": "?" + _query({**others, view_param: all_view}),
    }


def _section(request, role, known: dict) -> dict:
    view_param, q_param, page_param = section_params(role)
    user = request.user
    expert = role == Role.EXPERT
    if expert:
        view = expert_view(request.GET.get(view_param))
        q = search_text(request.GET.get(q_param))
        page = HorizonPaginator(expert_queue(user, view=view, q=q), PAGE_SIZE).get_page(
            request.GET.get(page_param)
        )
        page.object_list = expert_rows(page.object_list)
        choices = EXPERT_VIEW_CHOICES
    else:
        role_list = ROLE_LISTS[role](user)
        criteria = ListCriteria.from_query(
            request.GET, states=role_list.states, view_param=view_param, q_param=q_param
        )
        view, q = criteria.view, criteria.q
        page = role_list_page(
            user=user,
            role_list=role_list,
            criteria=criteria,
            number=request.GET.get(page_param),
            per_page=PAGE_SIZE,
            select=row_dossiers,
        )
        page.object_list = home_rows(dossier_rows(page.object_list))
        choices = view_choices(role_list.states)
    section = list_section(
        key=str(role),
        title=ROLE_HOME_TITLES[role],
        page=page,
        choices=choices,
        view=view,
        q=q,
        view_param=view_param,
        q_param=q_param,
        page_param=page_param,
        all_view=EXPERT_ALL if expert else ALL,
        known=known,
        assignments=expert,
    )
    section["role"] = str(role)
    section["panels"] = [
        panel for build in HOME_PANELS.get(role, ()) if (panel := build(user)) is not None
    ]
    return section


def home(request):
    """The landing page, or for a signed-in person one section per role they hold: what waits
    for them (their to-do, the soonest deadline first), the rest behind a filter, a search."""
    if not request.user.is_authenticated:
        return render(request, "portal/home_anonymous.html")
    roles = [role for role in Role if request.user.has_role(role)]
    names = [name for role in roles for name in section_params(role)]
    known = {name: request.GET[name] for name in names if request.GET.get(name)}
    sections = [_section(request, role, known) for role in roles]
    is_editor = Role.EDITOR in roles
    return render(
        request,
        "portal/home.html",
        {
            "sections": sections,
            "organisations": _editor_organisations(request.user) if is_editor else [],
            "is_editor": is_editor,
        },
    )


def _editor_organisations(user) -> list:
    """The editor's organisations with their services (« Mes services »): two queries."""
    memberships = user.memberships.select_related("organisation").prefetch_related(
        Prefetch("organisation__services", queryset=Service.objects.order_by("name", "pk"))
    )
    return [membership.organisation for membership in memberships]


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

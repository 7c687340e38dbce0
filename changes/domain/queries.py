"""What the pages read of declared changes, each in a fixed number of queries:

- `declaration_for_page`: one declaration if the user may see it (None: 404), its items with
  their requirements, attachments, history and partial reviews (five queries);
- `dossier_changes_section`: the dossier page's « Modifications déclarées » (applications.
  domain.dossier_page.SECTIONS["changes"]): for the editor and the staff, the declarations
  (drafts only for the editor) and the requests to declare (two queries);
- `instructor_todo` / `editor_todo`: the home page's panels (portal.views.HOME_PANELS), the
  soonest deadline first, late ones flagged: the declarations to qualify for the instruction
  team (one query); the requests to answer, the drafts to send and the updates of a partial
  re-evaluation to send for an editor (one query when there is none, the usual case; four
  otherwise).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Window
from django.utils import timezone

from applications.models import Requirement
from applications.rules import user_organisation_ids

from .. import rules as r
from ..enums import ChangeState, RequestState
from ..models import ChangeDeclaration, ChangeEvent, ChangeItem, ChangeRequest, PartialReview
from .deadlines import Due, due

TODO_PAGE_SIZE = 25


def _items() -> Prefetch:
    return Prefetch(
        "items",
        queryset=ChangeItem.objects.prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("domain", "position"))
        ),
    )


def declaration_for_page(user, pk: int) -> ChangeDeclaration | None:
    declaration = (
        ChangeDeclaration.objects.select_related(
            "dossier__service__organisation",
            "dossier__referential_version",
            "request",
            "declared_by",
            "qualified_by",
        )
        .filter(pk=pk)
        .first()
    )
    if declaration is None or not r.can_view_declaration.test(user, declaration):
        return None
    return (
        ChangeDeclaration.objects.select_related(
            "dossier__service__organisation",
            "dossier__referential_version",
            "request",
            "declared_by",
            "qualified_by",
        )
        .prefetch_related(
            _items(),
            "attachments",
            Prefetch("events", queryset=ChangeEvent.objects.select_related("actor")),
            Prefetch(
                "partial_reviews",
                queryset=PartialReview.objects.select_related("assignment__expert"),
            ),
        )
        .get(pk=pk)
    )


@dataclass
class DeclarationRow:
    declaration: ChangeDeclaration
    due: Due | None


@dataclass
class RequestRow:
    request: ChangeRequest
    due: Due


@dataclass
class DossierChangesSection:
    dossier: object
    declarations: list[DeclarationRow] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    can_declare: bool = False
    can_request: bool = False


def _row(declaration: ChangeDeclaration, today) -> DeclarationRow:
    pending = declaration.state == ChangeState.DECLARED and declaration.qualification_due_on
    return DeclarationRow(
        declaration, due(declaration.qualification_due_on, today) if pending else None
    )


def dossier_changes_section(*, dossier, user) -> DossierChangesSection | None:
    if not r.can_see_dossier_changes.test(user, dossier):
        return None
    editor = r.dossier_editor.test(user, dossier)
    declarations = ChangeDeclaration.objects.filter(dossier=dossier)
    if not editor:
        declarations = declarations.exclude(state=ChangeState.DRAFT)
    declarations = list(declarations.order_by("-created_at", "-pk"))
    requests = list(ChangeRequest.objects.filter(dossier=dossier).order_by("-requested_at", "-pk"))
    can_declare = r.can_declare_change.test(user, dossier)
    can_request = r.can_request_declaration.test(user, dossier)
    if not (declarations or requests or can_declare or can_request):
        return None
    today = timezone.localdate()
    return DossierChangesSection(
        dossier=dossier,
        declarations=[_row(d, today) for d in declarations],
        requests=[RequestRow(req, due(req.due_on, today)) for req in requests],
        can_declare=can_declare,
        can_request=can_request,
    )


@dataclass
class TodoPanel:
    """A home-page panel: `template` renders it (templates/changes/_todo_*.html)."""

    template: str
    rows: list
    count: int
    drafts: list = field(default_factory=list)
    #: An editor's partial re-evaluations whose update is to send (changes/domain/updates.py).
    updates: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


def declarations_to_qualify() -> QuerySet[ChangeDeclaration]:
    return ChangeDeclaration.objects.filter(state=ChangeState.DECLARED).order_by(
        "qualification_due_on", "declared_at", "pk"
    )


def instructor_todo(user) -> TodoPanel | None:
    """The declared changes the instruction team is to qualify, the soonest deadline first."""
    if not r.is_instructor.test(user):
        return None
    # One query: the page of declarations with the number of them all (a window over the
    # whole filtered set, counted before the LIMIT).
    rows = list(
        declarations_to_qualify()
        .select_related("dossier__service__organisation")
        .annotate(todo_total=Window(Count("pk")))[:TODO_PAGE_SIZE]
    )
    count = rows[0].todo_total if rows else 0
    today = timezone.localdate()
    return TodoPanel("changes/_todo_instructor.html", [_row(d, today) for d in rows], count)


def editor_todo(user) -> TodoPanel | None:
    """The requests to declare a change waiting for the user's organisations (soonest deadline
    first), then their declarations still in draft, then the updates of a partial
    re-evaluation they are to send (the oldest qualification first)."""
    if not r.is_editor.test(user):
        return None
    organisations = user_organisation_ids(user)
    if not organisations:
        return None
    mine = {"dossier__service__organisation_id__in": organisations}
    requests = ChangeRequest.objects.filter(state=RequestState.OPEN, **mine)
    drafts = ChangeDeclaration.objects.filter(state=ChangeState.DRAFT, **mine)
    updates = ChangeDeclaration.objects.filter(
        state=ChangeState.PARTIAL_REVIEW, update_sent_at__isnull=True, **mine
    )
    # Most editors have nothing to declare: one query says so, the lists are read only then.
    kinds = [queryset.order_by().values("pk") for queryset in (requests, drafts, updates)]
    if not kinds[0].union(*kinds[1:], all=True)[:1]:
        return None
    requests = list(
        requests.select_related("dossier__service").order_by("due_on", "pk")[:TODO_PAGE_SIZE]
    )
    drafts = list(
        drafts.select_related("dossier__service").order_by("created_at", "pk")[:TODO_PAGE_SIZE]
    )
    updates = list(
        updates.select_related("dossier__service").order_by("qualified_at", "pk")[:TODO_PAGE_SIZE]
    )
    today = timezone.localdate()
    rows = [RequestRow(req, due(req.due_on, today)) for req in requests]
    return TodoPanel("changes/_todo_editor.html", rows, len(rows), drafts, updates)


def version_requirement_groups(version_id: int) -> list[dict]:
    """The requirements of a referential version by domain and section, in its order (one
    query): what the declaration form offers."""
    requirements = (
        Requirement.objects.filter(version_id=version_id)
        .select_related("section__domain")
        .order_by("section__domain__position", "section__position", "position", "pk")
    )
    domains: dict[int, dict] = {}
    for requirement in requirements:
        section = requirement.section
        domain = domains.setdefault(
            section.domain_id,
            {"code": section.domain.code, "title": section.domain.title, "sections": {}},
        )
        domain["sections"].setdefault(
            section.pk, {"code": section.code, "title": section.title, "requirements": []}
        )["requirements"].append(requirement)
    return [
        {**domain, "sections": list(domain["sections"].values())} for domain in domains.values()
    ]

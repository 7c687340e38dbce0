"""The dossier page, assembled by one read function: the view and its template read only the
`DossierPage` it returns, and the template triggers no query.

The instruction panel and the ministry's decisions belong to other apps: each registers the
builder of its section (`SECTIONS`) when its app is ready (reviews/apps.py, decisions/apps.py),
so this module composes them without importing them.

Queries: a fixed number whatever the length of the timeline or the number of changes and
decisions — the visibility check, the timeline (count and page, with their actors), the
editor's changes when shown, the actions and their guards, then each section's own.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from ..models import Dossier
from .history import can_see_editor_changes, dossier_changes
from .queries import Action, dossier_actions

TIMELINE_PAGE_SIZE = 50

#: name -> builder(*, dossier, user) of a section shown on the page (registered by other apps).
SECTIONS: dict[str, Callable] = {}


@dataclass
class DossierPage:
    dossier: Dossier
    expert_only: bool
    timeline: Page
    show_changes: bool
    changes: Page
    actions: list[Action]
    sections: dict[str, object] = field(default_factory=dict)

    @property
    def shows_questionnaire(self) -> bool:
        return bool(self.dossier.referential_version_id) and not self.expert_only


def dossier_page(
    *, dossier: Dossier, user, expert_only: bool, timeline_page=None, changes_page=None
) -> DossierPage:
    logs = dossier.transition_logs.select_related("actor").order_by("-seq")
    timeline = Paginator(logs, TIMELINE_PAGE_SIZE).get_page(timeline_page)
    list(timeline.object_list)  # read now: the template only iterates
    show_changes = not expert_only and can_see_editor_changes.test(user, dossier)
    changes = dossier_changes(dossier=dossier, user=user) if show_changes else []
    return DossierPage(
        dossier=dossier,
        expert_only=expert_only,
        timeline=timeline,
        show_changes=show_changes,
        changes=Paginator(changes, TIMELINE_PAGE_SIZE).get_page(changes_page),
        actions=dossier_actions(dossier=dossier, user=user),
        sections={name: build(dossier=dossier, user=user) for name, build in SECTIONS.items()},
    )

"""The dossier page, assembled by one read function: the view and its template read only the
`DossierPage` it returns, and the template triggers no query.

The instruction panel and the ministry's decisions belong to other apps: each registers the
builder of its section (`SECTIONS`) when its app is ready (reviews/apps.py, decisions/apps.py),
so this module composes them without importing them.

Each action is offered once, as a button to the page that asks for its arguments: the
transition's confirmation page, or the page of its own that the view names (`action_pages`: a
reason or a question per requirement). One button only is filled (`primary`): the next useful
step — the questionnaire while the editor still has answers to give, otherwise the first action
that moves the dossier forward. Sending it back (incomplete, complements) is never the filled
button (an expert's is their evaluation, in the instruction panel), and the dangerous actions
(withdraw, suspend, de-reference) are tertiary buttons, confirmed on their page.

Queries: a fixed number whatever the length of the timeline or the number of changes and
decisions — the visibility check, the timeline (count and page, with their actors), the
editor's changes when shown, the actions and their guards, then each section's own.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.urls import reverse

from .. import rules as r
from ..enums import DossierState
from ..models import Dossier
from .history import can_see_editor_changes, dossier_changes
from .queries import Action, dossier_actions
from .renewal import RenewalSection, renewal_section
from .workflow import TRANSITIONS

TIMELINE_PAGE_SIZE = 50

#: name -> builder(*, dossier, user) of a section shown on the page (registered by other apps).
SECTIONS: dict[str, Callable] = {}

#: Actions that send the dossier back to the editor: never the filled button.
SENDS_BACK = frozenset({"declare_incomplete", "request_complements"})

PRIMARY, SECONDARY, TERTIARY = "primary", "secondary", "tertiary"


@dataclass
class ActionButton:
    """An action the user may take now, as the button the page shows for it."""

    action: Action
    url: str
    kind: str = SECONDARY  # PRIMARY, SECONDARY or TERTIARY

    @property
    def label(self) -> str:
        return self.action.label


@dataclass
class DossierPage:
    dossier: Dossier
    expert_only: bool
    timeline: Page
    show_changes: bool
    changes: Page
    actions: list[Action]
    sections: dict[str, object] = field(default_factory=dict)
    #: The allowed actions as buttons, in the order of the workflow (blocked ones: `blocked`).
    buttons: list[ActionButton] = field(default_factory=list)
    #: Whether the user may change the answers now, and whether the questionnaire's button is
    #: the filled one (the next step).
    edits_questionnaire: bool = False
    questionnaire_primary: bool = False
    #: The renewal: the dossier this one renews and what changed, or this one's renewal, or the
    #: button that prepares it (applications/domain/renewal.py); None: nothing to say.
    renewal: RenewalSection | None = None

    @property
    def shows_questionnaire(self) -> bool:
        return bool(self.dossier.referential_version_id) and not self.expert_only

    @property
    def blocked(self) -> list[Action]:
        return [action for action in self.actions if not action.allowed]

    @property
    def answering_complements(self) -> bool:
        return self.edits_questionnaire and self.dossier.state == DossierState.COMPLEMENTS_REQUESTED


def action_buttons(
    *, dossier: Dossier, actions: list[Action], action_pages: dict[str, str], questionnaire_first
) -> list[ActionButton]:
    """The allowed actions as buttons: the first that moves the dossier forward filled (unless
    the questionnaire's is), the others secondary, the dangerous ones tertiary."""
    buttons = []
    for action in actions:
        if not action.allowed:
            continue
        page = action_pages.get(action.name)
        url = (
            reverse(page, args=[dossier.pk])
            if page
            else reverse("applications:dossier-transition", args=[dossier.pk, action.name])
        )
        kind = TERTIARY if TRANSITIONS[action.name].danger else SECONDARY
        buttons.append(ActionButton(action, url, kind))
    if not questionnaire_first:
        forward = [b for b in buttons if b.kind == SECONDARY and b.action.name not in SENDS_BACK]
        if forward:
            forward[0].kind = PRIMARY
    return buttons


def dossier_page(
    *,
    dossier: Dossier,
    user,
    expert_only: bool,
    timeline_page=None,
    changes_page=None,
    action_pages: dict[str, str] | None = None,
) -> DossierPage:
    """`action_pages`: transition name -> URL name of the page that asks for its arguments,
    when it is not the transition's confirmation page."""
    logs = dossier.transition_logs.select_related("actor").order_by("-seq")
    timeline = Paginator(logs, TIMELINE_PAGE_SIZE).get_page(timeline_page)
    list(timeline.object_list)  # read now: the template only iterates
    show_changes = not expert_only and can_see_editor_changes.test(user, dossier)
    changes = dossier_changes(dossier=dossier, user=user) if show_changes else []
    actions = dossier_actions(dossier=dossier, user=user)
    edits = bool(dossier.referential_version_id) and r.can_edit_questionnaire.test(user, dossier)
    # While the editor may still change answers, the questionnaire is the next step — unless
    # filing is open: `submit` is the filing whose guard checks that the questionnaire is done
    # (resubmitting and sending complements are always open, the answers given or not).
    questionnaire_first = edits and not any(a.name == "submit" and a.allowed for a in actions)
    return DossierPage(
        dossier=dossier,
        expert_only=expert_only,
        timeline=timeline,
        show_changes=show_changes,
        changes=Paginator(changes, TIMELINE_PAGE_SIZE).get_page(changes_page),
        actions=actions,
        sections={name: build(dossier=dossier, user=user) for name, build in SECTIONS.items()},
        buttons=action_buttons(
            dossier=dossier,
            actions=actions,
            action_pages=action_pages or {},
            questionnaire_first=questionnaire_first,
        ),
        edits_questionnaire=edits,
        questionnaire_primary=questionnaire_first,
        renewal=None if expert_only else renewal_section(dossier=dossier, user=user),
    )

"""Reads on conventions: the decision a convention is drawn up from, the dossier's current
convention, what the dossier page shows of it and the convention page of a dossier.

Queries, besides the user's roles and memberships the first time a request reads them (then
memoised on the user): `dossier_convention_section` makes one (the current convention, with its
decision and signatories), two for an administrator when none is drawn up yet (the dossier's
latest decision); `convention_page` the same, reading every convention of the dossier in its
first. The dossier passed in is attached to the conventions read, so the rules reach its
organisation without another query (tests/conventions/domain/test_queries.py counts them).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from applications.enums import DossierState
from decisions.enums import DecisionKind
from decisions.models import Decision

from .. import rules as r
from ..models import Convention

#: The dossier states in which a convention may exist and be shown.
CONVENTION_STATES = (
    DossierState.REFERENCED,
    DossierState.PUBLISHED,
    DossierState.SUSPENDED,
    DossierState.DEREFERENCED,
)


def dossier_latest_decision(dossier) -> Decision | None:
    """The referencing decision in force on the dossier: the latest (a rectification replaces
    the one it corrects); the measures taken after publication (suspension…) are not it."""
    return (
        dossier.decisions.filter(kind=DecisionKind.REFERENCING)
        .order_by("-decided_at", "-pk")
        .first()
    )


def dossier_current_convention(dossier) -> Convention | None:
    """The dossier's convention that is not superseded, if any (one query)."""
    convention = (
        Convention.objects.current()
        .filter(dossier=dossier)
        .select_related("decision", "editor_signer", "admin_signer")
        .first()
    )
    if convention is not None:
        convention.dossier = dossier  # the caller's, with what it already loaded
    return convention


def draw_up_blocker(dossier, decision: Decision | None) -> str | None:
    """Why the convention of `dossier` cannot be drawn up now (French), or None."""
    if dossier.state != DossierState.REFERENCED:
        return _(
            "La convention s'établit sur un dossier « Référencé » ; ce dossier est « %(state)s »."
        ) % {"state": DossierState(dossier.state).label}
    if decision is None or not decision.is_referencing:
        return _("Aucune décision de référencement n'a été prise sur ce dossier.")
    if not decision.pdf_ready:
        return _(
            "Le document de la décision n° %(number)s n'est pas encore disponible : la "
            "convention pourra être établie ensuite."
        ) % {"number": decision.number}
    return None


@dataclass
class ConventionSection:
    """The convention's block on the dossier page, and the next action it offers the user."""

    dossier: object
    convention: Convention | None
    may_draw_up: bool = False
    draw_up_reason: str | None = None
    may_accept: bool = False
    may_countersign: bool = False

    @property
    def next_action(self) -> str | None:
        """ "draw_up", "accept", "countersign" or None."""
        if self.may_draw_up and not self.draw_up_reason:
            return "draw_up"
        if self.may_accept:
            return "accept"
        if self.may_countersign:
            return "countersign"
        return None


def _section(dossier, user, convention) -> ConventionSection:
    section = ConventionSection(dossier=dossier, convention=convention)
    if convention is None or convention.pdf_failed:
        if r.can_draw_up.test(user, dossier):
            section.may_draw_up = True
            decision = convention.decision if convention else dossier_latest_decision(dossier)
            section.draw_up_reason = draw_up_blocker(dossier, decision)
        return section
    section.may_accept = convention.awaits_editor and r.can_accept.test(user, convention)
    section.may_countersign = convention.awaits_administration and r.can_countersign.test(
        user, convention
    )
    return section


def dossier_convention_section(*, dossier, user) -> ConventionSection | None:
    """What the dossier page shows of the convention (registered in conventions/apps.py), or
    None: for people who may not see it, and on dossiers that have not been referenced."""
    if dossier.state not in CONVENTION_STATES:
        return None
    if not r.can_view_dossier_convention.test(user, dossier):
        return None
    return _section(dossier, user, dossier_current_convention(dossier))


@dataclass
class ConventionPage:
    """The convention page of a dossier: its current convention and those it replaced."""

    dossier: object
    section: ConventionSection
    superseded: list[Convention] = field(default_factory=list)

    @property
    def convention(self) -> Convention | None:
        return self.section.convention


def convention_page(*, dossier, user) -> ConventionPage:
    conventions = list(
        Convention.objects.filter(dossier=dossier).select_related(
            "decision", "editor_signer", "admin_signer"
        )
    )
    for convention in conventions:
        convention.dossier = dossier
    current = next((c for c in conventions if not c.is_superseded), None)
    return ConventionPage(
        dossier=dossier,
        section=_section(dossier, user, current),
        superseded=[c for c in conventions if c.is_superseded],
    )

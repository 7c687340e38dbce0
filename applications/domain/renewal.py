"""Renewing a referencing: a new dossier linked to the published one it renews (`Dossier.renews`).

- `renewal_problem`: the one rule — why `user` may not open the renewal of `dossier` now (French),
  or None: an editor member of its organisation, the dossier published or suspended, and no
  other open dossier of the service. Read by the dossier page, the service page, the
  confirmation page and `renewal_open` alike.
- `renewal_open`: in one transaction, with the renewed dossier's row locked, the new draft
  (`dossier_create`, pinned to the current referential version, the one new dossiers get), then
  the answers of every requirement whose code still exists in that version copied with all
  they hold (status, justification, free comment) and their documents: each document once into
  the new library, on the file already stored, linked again to the same requirements
  (applications/domain/carry_over.py). Each copied answer is marked (`Answer.carried_over`):
  « reprise de la version précédente — à confirmer », or « exigence modifiée — vérifiez votre
  réponse » when the requirement changed between the two versions. Nothing is half-copied:
  any failure rolls back the new dossier with it.
- `answer_confirm`: the editor confirms a copied answer (an edit of it, `answer_save`,
  confirms it too); `submit` is refused while a mark remains (guard `carried_over_confirmed`,
  applications/guards.py, reading `questionnaire.unconfirmed_carried_over`).
- `open_renewal`: the open dossier that renews a published one (read by the catalogue's
  expiry, catalogue/domain/expiry.py `renewal_under_way`).
- Reads for the pages: `renewal_preview` (what the confirmation page says will be copied),
  `renewal_changes` (what changed first: new, changed and removed requirements, and the
  answers still to confirm), `renewal_section` (the dossier page's renewal section).
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import rules as r
from ..enums import DossierState
from ..models import Answer, Dossier, Evidence, ReferentialVersion, Requirement
from ..models.questionnaire import CarriedOver
from ..referential.diff import Change, referential_diff
from .applicability import applicable_requirements, latest_version
from .carry_over import carry_over_copy, carry_over_plan
from .dossiers import CLOSED_STATES, dossier_create
from .questionnaire import _check_can_edit

#: The dossiers a renewal may be opened from.
RENEWABLE_STATES = frozenset({DossierState.PUBLISHED, DossierState.SUSPENDED})


# --- The rule -------------------------------------------------------------------------------------


def open_renewal(dossier: Dossier) -> Dossier | None:
    """The open dossier (not refused, withdrawn or de-referenced) that renews `dossier`, the
    most recent if several; None otherwise (one query)."""
    return (
        Dossier.objects.filter(renews=dossier)
        .exclude(state__in=DossierState.closed())
        .order_by("-created_at", "-pk")
        .first()
    )


def _other_open_dossier(dossier: Dossier) -> Dossier | None:
    return (
        Dossier.objects.filter(service_id=dossier.service_id)
        .exclude(pk=dossier.pk)
        .exclude(state__in=CLOSED_STATES)
        .order_by("-created_at", "-pk")
        .first()
    )


def may_prepare_renewal(user, dossier: Dossier) -> bool:
    """Whether `user` is an editor member of the dossier's organisation."""
    return r.dossier_editor.test(user, dossier)


def renewal_problem(*, dossier: Dossier, user) -> str | None:
    """Why `user` may not open the renewal of `dossier` now (French), or None."""
    if not may_prepare_renewal(user, dossier):
        return _(
            "Seuls les membres de l'organisation éditrice ayant le rôle d'éditeur peuvent "
            "préparer le renouvellement."
        )
    if dossier.state not in RENEWABLE_STATES:
        return _(
            "Seul un dossier publié ou suspendu peut être renouvelé ; celui-ci est « %(state)s »."
        ) % {"state": DossierState(dossier.state).label}
    other = _other_open_dossier(dossier)
    if other is not None:
        if other.renews_id == dossier.pk:
            return _("Le renouvellement de ce dossier est déjà ouvert : dossier %(ref)s.") % {
                "ref": other.reference
            }
        return _(
            "Ce service a déjà un autre dossier en cours (%(ref)s) : le renouvellement ne peut "
            "être préparé qu'une fois celui-ci clos."
        ) % {"ref": other.reference}
    if latest_version() is None:
        return _("Aucun référentiel d'exigences n'est chargé : contactez l'équipe.")
    return None


def renewal_open(*, dossier: Dossier, actor) -> Dossier:
    """Open the renewal of `dossier`: a draft linked to it, pre-filled (module docstring)."""
    with transaction.atomic():
        old = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("service__organisation", "service__orientation", "referential_version")
            .get(pk=dossier.pk)
        )
        problem = renewal_problem(dossier=old, user=actor)
        if problem is not None:
            if not may_prepare_renewal(actor, old):
                raise PermissionDenied(problem)
            raise ValidationError(problem)
        new = dossier_create(actor=actor, service=old.service, renews=old)
        carry_over_copy(carry_over_plan(old, new.referential_version), new, actor)
    return new


def answer_confirm(*, dossier: Dossier, requirement: Requirement, actor) -> Answer | None:
    """The editor confirms the answer copied from the renewed dossier (already confirmed, or
    never copied: nothing to do). The answer's content and version stay as they are."""
    _check_can_edit(dossier, actor, requirement)
    with transaction.atomic():
        answer = (
            Answer.objects.select_for_update(of=("self",))
            .filter(dossier=dossier, requirement=requirement)
            .first()
        )
        if answer is None or not answer.carried_over:
            return answer
        answer.carried_over = ""
        answer.updated_by = actor
        answer.save(update_fields=["carried_over", "updated_by", "updated_at"])
    return answer


# --- Reads for the pages --------------------------------------------------------------------------


@dataclass
class RenewalPreview:
    """What the confirmation page says: what will be copied onto which version."""

    dossier: Dossier
    version: ReferentialVersion
    answers: int
    documents: int
    changed: int
    dropped: list[str]


def renewal_preview(dossier: Dossier) -> RenewalPreview | None:
    version = latest_version()
    if version is None:
        return None
    plan = carry_over_plan(dossier, version)
    codes = plan.codes
    return RenewalPreview(
        dossier=dossier,
        version=version,
        answers=len(codes),
        documents=len(plan.documents),
        changed=sum(1 for code in codes if code in plan.changed),
        dropped=plan.dropped,
    )


@dataclass
class Pending:
    """A copied answer still to confirm."""

    requirement: Requirement
    mark: str  # a CarriedOver value

    @property
    def label(self) -> str:
        return str(CarriedOver(self.mark).label)

    @property
    def changed(self) -> bool:
        return self.mark == CarriedOver.CHANGED


@dataclass
class RenewalChanges:
    """What changed first, for a renewal: the requirements new or changed since the renewed
    dossier's version (those that apply), the ones removed (with whether an answer was left
    behind), and the copied answers still to confirm."""

    dossier: Dossier
    renews: Dossier
    added: list[Requirement]
    changed: list[Change]
    removed: list[Requirement]
    dropped: set[str]
    pending: list[Pending]

    @property
    def same_version(self) -> bool:
        return self.renews.referential_version_id == self.dossier.referential_version_id

    @property
    def pending_count(self) -> int:
        return len(self.pending)

    @cached_property
    def marks(self) -> dict[int, str]:
        """The pending answers' marks (`CarriedOver` values) by requirement id, for the
        questionnaire's collapsed lines."""
        return {item.requirement.pk: item.mark for item in self.pending}


def renewal_changes(dossier: Dossier, *, requirements=None) -> RenewalChanges | None:
    """For a dossier that renews another, what changed first (None for any other dossier, no
    query). `requirements`: those that apply to it, when the caller has them."""
    if not dossier.renews_id:
        return None
    renews = Dossier.objects.select_related("referential_version").get(pk=dossier.renews_id)
    if requirements is None:
        requirements = applicable_requirements(dossier)
    applicable = {requirement.pk for requirement in requirements}
    added, changed, removed = [], [], []
    if renews.referential_version_id and renews.referential_version_id != (
        dossier.referential_version_id
    ):
        diff = referential_diff(renews.referential_version, dossier.referential_version)
        added = sorted((rq for rq in diff.added if rq.pk in applicable), key=lambda rq: rq.position)
        changed = [change for change in diff.changed if change.new.pk in applicable]
        removed = sorted(diff.removed, key=lambda rq: rq.position)
    dropped: set[str] = set()
    if removed:
        ids = [rq.pk for rq in removed]
        dropped = set(
            Answer.objects.filter(dossier=renews, requirement_id__in=ids).values_list(
                "requirement__code", flat=True
            )
        ) | set(
            Evidence.objects.filter(
                dossier=renews, requirement_id__in=ids, removed_at=None
            ).values_list("requirement__code", flat=True)
        )
    pending = [
        Pending(requirement, mark)
        for requirement, mark in (
            (answer.requirement, answer.carried_over)
            for answer in Answer.objects.filter(dossier=dossier, requirement_id__in=applicable)
            .exclude(carried_over="")
            .select_related("requirement")
            .order_by("requirement__position")
        )
    ]
    return RenewalChanges(dossier, renews, added, changed, removed, dropped, pending)


@dataclass
class RenewalSection:
    """The dossier page's renewal section: for a renewal, the dossier it renews and what
    changed; for a renewable dossier, its open renewal, or the button (or why not)."""

    dossier: Dossier
    renews: Dossier | None = None
    changes: RenewalChanges | None = None
    renewal: Dossier | None = None
    #: The latest dossier that renews this one (in any state), linked from the page.
    #: `offered`: shown to the editor's members, with the button or why not (`problem`).
    offered: bool = False
    problem: str | None = None


def renewal_section(*, dossier: Dossier, user) -> RenewalSection | None:
    """None when the page has nothing to say about a renewal."""
    section = RenewalSection(dossier)
    if dossier.renews_id:
        section.changes = renewal_changes(dossier)
        section.renews = section.changes.renews
    section.renewal = dossier.renewals.order_by("-created_at", "-pk").first()
    if dossier.state in RENEWABLE_STATES and may_prepare_renewal(user, dossier):
        section.offered = True
        section.problem = renewal_problem(dossier=dossier, user=user)
    if section.renews is None and section.renewal is None and not section.offered:
        return None
    return section


def service_renewal(*, service, user) -> RenewalSection | None:
    """The service page's renewal offer: for its latest published or suspended dossier, when
    `user` may prepare renewals for it."""
    dossier = (
        service.dossiers.filter(state__in=RENEWABLE_STATES).order_by("-created_at", "-pk").first()
    )
    if dossier is None or not may_prepare_renewal(user, dossier):
        return None
    return RenewalSection(
        dossier,
        renewal=dossier.renewals.order_by("-created_at", "-pk").first(),
        offered=True,
        problem=renewal_problem(dossier=dossier, user=user),
    )

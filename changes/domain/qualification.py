"""The instruction team's qualification of a declared change, within CHANGE_QUALIFICATION_MONTHS
(`qualification_due_on`; a late qualification is still accepted, and shown late).

    declared ──change_qualify──▶ editorial       (recorded; the editor may update the card,
                                                  which the administration reviews)
                            ├──▶ partial_review  (the experts of the touched domains)
                            └──▶ new_dossier     (the editor files a new dossier)

One service, `change_qualify`: in a transaction, the declaration's row locked and its state
checked again, the permission tested (changes/rules.py), the reason required; the history gets
its row (`ChangeEvent`, append-only) and the editor's members are told (`change_qualified`).

A partial re-evaluation is assigned to the experts who hold the dossier's active, cleared
assignment on each touched domain (reviews.models.Assignment): `assignment_create` of
reviews/domain/assignments.py refuses a published dossier (`ASSIGNABLE_STATES`) and its
`one_active_expert_per_domain` constraint keeps the original experts' assignments in place, so
a `PartialReview` row points at that assignment and its expert is told
(`change_partial_review`). A touched domain without such an assignment is refused with its
name: the instruction team first gives the domain an expert.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionBlocked, TransitionForbidden, TransitionInvalid
from applications.enums import Domain
from portal.notifications.messenger import notify
from reviews.models import Assignment

from .. import rules as r
from ..enums import ChangeState, Qualification
from ..models import ChangeDeclaration, ChangeEvent, ChangeItem, PartialReview
from .declarations import _locked_declaration

REASON_MAX = 5000


def touched_domains(declaration: ChangeDeclaration) -> list[str]:
    """The domains of the requirements the declaration touches, in the referential's order."""
    rows = (
        ChangeItem.requirements.through.objects.filter(changeitem__declaration=declaration)
        .values_list("requirement__domain", "requirement__section__domain__position")
        .distinct()
    )
    ordered = sorted(set(rows), key=lambda row: (row[1], row[0]))
    return list(dict.fromkeys(domain for domain, _position in ordered))


@dataclass(frozen=True)
class DomainExpert:
    domain: str
    assignment: Assignment | None

    @property
    def label(self) -> str:
        return Domain(self.domain).label


def partial_review_experts(declaration: ChangeDeclaration) -> list[DomainExpert]:
    """Each touched domain and the dossier's active, cleared assignment on it (or None)."""
    domains = touched_domains(declaration)
    held = {
        assignment.domain: assignment
        for assignment in Assignment.objects.cleared()
        .filter(dossier_id=declaration.dossier_id, domain__in=domains)
        .select_related("expert")
    }
    return [DomainExpert(domain, held.get(domain)) for domain in domains]


def change_qualify(
    *, declaration: ChangeDeclaration, actor, outcome: str, reason: str
) -> ChangeDeclaration:
    """Qualify the declared change `outcome` (a `Qualification`), with the reason told to the
    editor."""
    reason = (reason or "").strip()
    if outcome not in Qualification.values:
        raise TransitionInvalid(_("Choisissez comment qualifier la modification."))
    if not reason:
        raise TransitionInvalid(_("Indiquez le motif de la qualification : l'éditeur le lira."))
    if len(reason) > REASON_MAX:
        raise TransitionInvalid(_("Le motif dépasse %(n)s caractères.") % {"n": REASON_MAX})
    with transaction.atomic():
        locked = _locked_declaration(declaration)
        if not r.can_qualify_declaration.test(actor, locked):
            if not r.is_instructor.test(actor):
                raise TransitionForbidden(
                    _("Seule l'équipe d'instruction qualifie une modification déclarée.")
                )
            raise TransitionInvalid(_("Cette modification est déjà qualifiée."))
        now = timezone.now()
        reviews = []
        if outcome == Qualification.PARTIAL_REVIEW:
            experts = partial_review_experts(locked)
            missing = [entry.label for entry in experts if entry.assignment is None]
            if not experts:
                raise TransitionBlocked(
                    [_("La modification ne touche aucune exigence : aucun domaine à réévaluer.")]
                )
            if missing:
                raise TransitionBlocked(
                    [
                        _(
                            "Aucun expert n'est affecté au dossier sur %(domains)s : la "
                            "réévaluation partielle ne peut pas leur être confiée."
                        )
                        % {"domains": get_text_list([f"« {m} »" for m in missing], _("et"))}
                    ]
                )
            reviews = [
                PartialReview.objects.create(
                    declaration=locked,
                    domain=entry.domain,
                    assignment=entry.assignment,
                    expert=entry.assignment.expert,
                    conflict_declared_at=entry.assignment.declared_at or now,
                    created_by=actor,
                    created_at=now,
                )
                for entry in experts
            ]
        previous = locked.state
        locked.state = ChangeState(outcome)
        locked.qualified_by, locked.qualified_at = actor, now
        locked.qualification_reason = reason
        locked.save(update_fields=["state", "qualified_by", "qualified_at", "qualification_reason"])
        ChangeEvent.objects.create(
            declaration=locked,
            at=now,
            actor=actor,
            from_state=previous,
            to_state=locked.state,
            comment=reason,
        )
        notify("change_qualified", dossier=locked.dossier, actor=actor, declaration=locked)
        if reviews:
            notify(
                "change_partial_review",
                dossier=locked.dossier,
                actor=actor,
                declaration=locked,
                reviews=reviews,
            )
    return locked

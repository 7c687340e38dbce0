"""What is still missing before a dossier can be filed, each item pointing to where to fix it."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Dossier, Requirement
from .applicability import applicable_requirements
from .orientation import Verdict, eligibility
from .questionnaire import answer_gaps, dossier_answers, evidence_counts

GAP_LABELS = {
    "answer": gettext_lazy("sans réponse"),
    "justification": gettext_lazy("justification manquante"),
    "evidence": gettext_lazy("pièce justificative manquante"),
}


@dataclass
class Gap:
    requirement: Requirement
    kind: str  # "answer", "justification" or "evidence"

    @property
    def label(self) -> str:
        return str(GAP_LABELS[self.kind])


@dataclass
class Completeness:
    verdict: Verdict
    #: Applicable requirements: `mandatory` of them must be answered, the others may stay empty.
    applicable: int
    gaps: list[Gap] = field(default_factory=list)
    mandatory: int = 0
    #: Optional requirements left without an answer (never a gap).
    optional_unanswered: int = 0

    @property
    def optional(self) -> int:
        return self.applicable - self.mandatory

    @property
    def complete(self) -> bool:
        return self.verdict.eligible and not self.gaps

    def count(self, kind: str) -> int:
        return sum(1 for gap in self.gaps if gap.kind == kind)

    def blocking_reason(self) -> str | None:
        """One French sentence for the submit guard, or None when nothing is missing."""
        if not self.verdict.answered:
            return _("Impossible de déposer : le questionnaire d'orientation n'est pas rempli.")
        if not self.verdict.eligible:
            return _("Impossible de déposer : le service n'est pas éligible (%(reasons)s).") % {
                "reasons": " ; ".join(self.verdict.reasons)
            }
        if not self.gaps:
            return None
        parts = []
        if n := self.count("answer"):
            parts.append(
                ngettext("%(n)d exigence sans réponse", "%(n)d exigences sans réponse", n)
                % {"n": n}
            )
        if n := self.count("justification"):
            parts.append(
                ngettext("%(n)d justification manquante", "%(n)d justifications manquantes", n)
                % {"n": n}
            )
        if n := self.count("evidence"):
            parts.append(
                ngettext(
                    "%(n)d pièce justificative manquante",
                    "%(n)d pièces justificatives manquantes",
                    n,
                )
                % {"n": n}
            )
        return _("Impossible de déposer : %(parts)s.") % {"parts": ", ".join(parts)}


def dossier_completeness(dossier: Dossier) -> Completeness:
    verdict = eligibility(dossier.service)
    requirements = applicable_requirements(dossier)
    answers = dossier_answers(dossier)
    counts = evidence_counts(dossier)
    gaps = [
        Gap(requirement, kind)
        for requirement in requirements
        for kind in answer_gaps(
            answers.get(requirement.pk), requirement, counts.get(requirement.pk, 0)
        )
    ]
    mandatory = sum(1 for requirement in requirements if requirement.mandatory)
    optional_unanswered = sum(
        1
        for requirement in requirements
        if not requirement.mandatory and not getattr(answers.get(requirement.pk), "status", "")
    )
    return Completeness(verdict, len(requirements), gaps, mandatory, optional_unanswered)

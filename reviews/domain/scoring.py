"""The evaluation report's figures, computed here and only here (never in templates).

Per domain: the share of applicable requirements judged « conforme » (« partiellement » counts
half; « non applicable » leaves the count), the blocking requirements not met, the optional ones
not met, an A–E grade, and the proposed opinion for the whole dossier."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from applications.domain.applicability import dossier_applicability
from applications.enums import Opinion

from ..models import Verdict, VerdictChoice

CREDIT = {
    VerdictChoice.COMPLIANT: Decimal(1),
    VerdictChoice.PARTIAL: Decimal("0.5"),
    VerdictChoice.NON_COMPLIANT: Decimal(0),
}
#: Lowest score (in %) for each grade, best first.
GRADES = (("A", 90), ("B", 75), ("C", 60), ("D", 40), ("E", 0))


@dataclass
class DomainScore:
    code: str
    title: str
    judged: int = 0
    not_applicable: int = 0
    unjudged: int = 0
    credit: Decimal = Decimal(0)
    blocking_not_met: list = field(default_factory=list)
    mandatory_not_met: list = field(default_factory=list)
    optional_not_met: list = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        """Percentage of applicable requirements met, one decimal."""
        if not self.judged:
            return Decimal(100)
        return (100 * self.credit / self.judged).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def grade(self) -> str:
        grade = next(letter for letter, floor in GRADES if self.score >= floor)
        # A blocking requirement not met keeps the domain at D at best.
        if self.blocking_not_met and grade in "ABC":
            return "D"
        return grade


@dataclass
class EvaluationScores:
    domains: list[DomainScore]

    @property
    def blocking_not_met(self) -> list:
        return [v for d in self.domains for v in d.blocking_not_met]

    @property
    def proposed_opinion(self) -> str:
        blocking = self.blocking_not_met
        if any(v.verdict == VerdictChoice.NON_COMPLIANT for v in blocking):
            return Opinion.UNFAVORABLE
        if blocking:  # only partially met: the editor can fix them before referencing
            return Opinion.FAVORABLE_SUSPENSIVE
        if any(d.mandatory_not_met or d.optional_not_met for d in self.domains):
            return Opinion.FAVORABLE_NON_SUSPENSIVE
        return Opinion.FAVORABLE

    @property
    def proposed_opinion_label(self) -> str:
        return str(Opinion(self.proposed_opinion).label)


def evaluation_scores(dossier) -> EvaluationScores:
    applicability = dossier_applicability(dossier)
    scores = {d.code: DomainScore(d.code, d.title) for d in applicability.domains}
    verdicts = {
        v.requirement_id: v
        for v in Verdict.objects.filter(dossier=dossier).select_related("requirement")
    }
    for requirement in applicability.requirements:
        score = scores[requirement.domain]
        verdict = verdicts.get(requirement.pk)
        if verdict is None:
            score.unjudged += 1
            continue
        if verdict.verdict == VerdictChoice.NOT_APPLICABLE:
            score.not_applicable += 1
            continue
        score.judged += 1
        score.credit += CREDIT[verdict.verdict]
        if verdict.verdict == VerdictChoice.COMPLIANT:
            continue
        if requirement.blocking:
            score.blocking_not_met.append(verdict)
        elif requirement.mandatory:
            score.mandatory_not_met.append(verdict)
        else:
            score.optional_not_met.append(verdict)
    return EvaluationScores(list(scores.values()))

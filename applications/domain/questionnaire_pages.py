"""Reads behind the questionnaire pages, in a fixed number of queries whatever the referential's
size: one for the requirements, one for the answers, one for the files."""

from dataclasses import dataclass, field

from .. import rules as r
from ..enums import AnswerStatus
from ..models import Answer, Dossier, Evidence, Requirement
from .applicability import dossier_applicability
from .questionnaire import answer_gaps, dossier_answers, dossier_evidence


@dataclass
class AnswerBlock:
    dossier_id: int
    requirement: Requirement
    answer: Answer | None
    files: list[Evidence]
    editable: bool
    gaps: list[str]
    saved: bool = False
    conflict: object = None
    mine: dict | None = None
    errors: dict | None = None
    upload_errors: list[str] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def status(self) -> str:
        return self.answer.status if self.answer else ""

    statuses = AnswerStatus.choices


@dataclass
class DomainNav:
    code: str
    title: str
    total: int = 0
    done: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class SectionView:
    code: str
    title: str
    blocks: list[AnswerBlock] = field(default_factory=list)


@dataclass
class QuestionnairePage:
    dossier: Dossier
    editable: bool
    domains: list[DomainNav]
    current: str | None
    sections: list[SectionView]

    @property
    def current_domain(self) -> DomainNav | None:
        return next((d for d in self.domains if d.code == self.current), None)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.domains)

    @property
    def done(self) -> int:
        return sum(d.done for d in self.domains)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def questionnaire_page(*, dossier: Dossier, user, domain: str | None) -> QuestionnairePage:
    applicability = dossier_applicability(dossier)
    domains, requirements = applicability.domains, applicability.requirements
    answers = dossier_answers(dossier)
    files = dossier_evidence(dossier)
    editable = r.can_edit_questionnaire.test(user, dossier)
    nav = {d.code: DomainNav(d.code, d.title) for d in domains}
    current = domain if domain in nav else (None if domain else next(iter(nav), None))
    sections: dict[str, SectionView] = {}
    for requirement in requirements:
        gaps = answer_gaps(
            answers.get(requirement.pk), requirement, len(files.get(requirement.pk, []))
        )
        entry = nav[requirement.domain]
        entry.total += 1
        entry.done += (
            not gaps and requirement.pk in answers and bool(answers[requirement.pk].status)
        )
        if requirement.domain != current:
            continue
        section = sections.setdefault(
            requirement.section.code,
            SectionView(requirement.section.code, requirement.section.title),
        )
        section.blocks.append(
            AnswerBlock(
                dossier_id=dossier.pk,
                requirement=requirement,
                answer=answers.get(requirement.pk),
                files=files.get(requirement.pk, []),
                editable=editable,
                gaps=gaps,
            )
        )
    return QuestionnairePage(
        dossier, editable, list(nav.values()), current, list(sections.values())
    )


def answer_block(*, dossier: Dossier, requirement: Requirement, user, **extra) -> AnswerBlock:
    answer = (
        Answer.objects.select_related("updated_by")
        .filter(dossier=dossier, requirement=requirement)
        .first()
    )
    files = list(
        Evidence.objects.filter(dossier=dossier, requirement=requirement, removed_at__isnull=True)
    )
    return AnswerBlock(
        dossier_id=dossier.pk,
        requirement=requirement,
        answer=answer,
        files=files,
        editable=r.can_edit_questionnaire.test(user, dossier),
        gaps=answer_gaps(answer, requirement, len(files)),
        **extra,
    )

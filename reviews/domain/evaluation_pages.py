"""Reads behind the evaluation screen: one domain's requirements with the editor's answers and
evidence as last filed, the expert's verdicts and what changed since they were given — or, on a
requirement a question was asked about and not judged yet, since the question. A fixed number of
queries whatever the domain's size (plus two per requirement that changed)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.applicability import applicable_domains, dossier_applicability
from applications.domain.queries import visible_other_than_as_expert
from applications.domain.revisions import latest_revision_number
from applications.enums import DossierState
from applications.models import Dossier, Evidence, Requirement, RevisionAnswer

from ..models import (
    Assignment,
    ComplementItem,
    ConflictStatus,
    DomainEvaluation,
    Verdict,
    VerdictChoice,
)
from .complements import RequirementChanges, requirement_changes
from .scoring import DomainScore, evaluation_scores

#: Evidence kinds shown inside the page (the others are downloaded).
PREVIEWS = {"pdf": "pdf", "png": "image", "jpeg": "image"}


@dataclass
class EvaluationAccess:
    """What a person may do on the evaluation of one domain: `edit` (the cleared expert while
    the evaluation runs and is not signed), `read`, or `declare` (an expert who has not yet
    declared their interests sees nothing of the dossier)."""

    mode: str
    assignment: Assignment | None
    signed: DomainEvaluation | None
    reason: str = ""

    @property
    def editable(self) -> bool:
        return self.mode == "edit"

    @property
    def is_expert(self) -> bool:
        return self.assignment is not None


def evaluation_access(*, dossier: Dossier, domain: str, user) -> EvaluationAccess | None:
    """None when the person has nothing to see there (the view answers 404)."""
    if domain not in applicable_domains(dossier):
        return None
    assignment = (
        Assignment.objects.active().filter(dossier=dossier, expert=user, domain=domain).first()
    )
    signed = (
        DomainEvaluation.objects.filter(dossier=dossier, domain=domain)
        .select_related("expert")
        .first()
    )
    if assignment is not None and assignment.conflict_status == ConflictStatus.PENDING:
        return EvaluationAccess("declare", assignment, signed)
    if assignment is not None and assignment.cleared:
        if signed is not None:
            return EvaluationAccess("read", assignment, signed, _("Votre évaluation est signée."))
        if dossier.state == DossierState.UNDER_EVALUATION:
            return EvaluationAccess("edit", assignment, None)
        reasons = {
            DossierState.SUBMITTED: _("L'évaluation n'a pas encore été lancée."),
            DossierState.COMPLEMENTS_REQUESTED: _(
                "Des compléments ont été demandés : l'évaluation reprendra à leur réception."
            ),
        }
        reason = reasons.get(dossier.state, _("L'évaluation de ce dossier est close."))
        return EvaluationAccess("read", assignment, None, reason)
    if r.is_instructor.test(user) and visible_other_than_as_expert(user, dossier):
        return EvaluationAccess("read", None, signed, _("Consultation par l'instruction."))
    return None


@dataclass
class EvidenceView:
    evidence: Evidence
    #: Where another screen serves the file (a partial re-evaluation's own, checked, views);
    #: empty: the evaluation's (templates/reviews/evaluation/_requirement.html).
    download_url: str = ""
    preview_url: str = ""

    @property
    def preview(self) -> str:
        """ "pdf", "image" or "" (downloaded only)."""
        return PREVIEWS.get(self.evidence.kind, "")


@dataclass
class VerdictBlock:
    dossier_id: int
    domain: str
    requirement: Requirement
    answer: RevisionAnswer | None
    files: list[EvidenceView]
    verdict: Verdict | None
    editable: bool
    latest_revision: int
    changes: RequirementChanges | None = None
    question: ComplementItem | None = None
    #: The revision the answer is compared from (`comparison_bases`), None when it is not.
    compared_since: int | None = None
    saved: bool = False
    errors: dict | None = None
    data: dict | None = None  # what was posted and refused, shown back as it was typed
    #: Another screen's verdicts (a partial re-evaluation): where its form posts, and the
    #: original evaluation's verdict it shows, read-only.
    save_url: str = ""
    original: Verdict | None = None

    choices = VerdictChoice.choices

    @property
    def current(self) -> str:
        if self.data is not None:
            return self.data.get("verdict", "")
        return self.verdict.verdict if self.verdict else ""

    @property
    def comment(self) -> str:
        if self.data is not None:
            return self.data.get("comment", "")
        return self.verdict.comment if self.verdict else ""

    @property
    def stale(self) -> bool:
        """The verdict was given on an earlier revision than the one now filed."""
        return bool(self.verdict and self.verdict.revision_number < self.latest_revision)


@dataclass
class SectionView:
    code: str
    title: str
    blocks: list[VerdictBlock] = field(default_factory=list)


@dataclass
class EvaluationPage:
    dossier: Dossier
    domain: str
    title: str
    access: EvaluationAccess
    score: DomainScore
    latest_revision: int
    sections: list[SectionView]

    @property
    def total(self) -> int:
        return sum(len(s.blocks) for s in self.sections)

    @property
    def judged(self) -> int:
        return sum(1 for s in self.sections for b in s.blocks if b.verdict)


def domain_score(dossier: Dossier, domain: str) -> DomainScore:
    scores = evaluation_scores(dossier)
    return next(d for d in scores.domains if d.code == domain)


def _changed(before: RevisionAnswer | None, after: RevisionAnswer | None) -> bool:
    if after is None:
        return False
    if before is None:
        return True
    fields = ("status", "justification", "free_text")
    return any(getattr(before, f) != getattr(after, f) for f in fields) or sorted(
        before.evidence_ids
    ) != sorted(after.evidence_ids)


def comparison_bases(verdicts, questions, latest) -> dict[int, int]:
    """The revision each requirement's filed answer is compared from, by requirement id: that
    of its verdict when the verdict is older than the latest revision; without a verdict, that
    of the latest question asked about it, once the editor filed since. A verdict given on the
    latest revision ends the comparison."""
    bases = {}
    for pk, question in questions.items():
        if pk not in verdicts and question.request.revision_number < latest:
            bases[pk] = question.request.revision_number
    for pk, verdict in verdicts.items():
        if verdict.revision_number < latest:
            bases[pk] = verdict.revision_number
    return bases


def _changes(dossier, requirements, stale, latest) -> dict[int, RequirementChanges]:
    """What changed on each requirement since the revision `stale` gives it: one query finds
    the requirements whose filed answer differs; only those get the detailed comparison (word
    diff, files)."""
    if not stale:
        return {}
    rows: dict[tuple[int, int], RevisionAnswer] = {}
    for row in RevisionAnswer.objects.filter(
        revision__dossier=dossier,
        requirement_id__in=stale,
        revision__number__in={latest, *stale.values()},
    ).select_related("revision"):
        rows[row.requirement_id, row.revision.number] = row
    changes = {}
    for requirement in requirements:
        since = stale.get(requirement.pk)
        if since is None:
            continue
        if _changed(rows.get((requirement.pk, since)), rows.get((requirement.pk, latest))):
            found = requirement_changes(dossier=dossier, requirement=requirement, since=since)
            if found is not None and found.changed:
                changes[requirement.pk] = found
    return changes


def verdict_blocks(
    *,
    dossier: Dossier,
    requirements: list[Requirement],
    editable: bool,
    domain: str,
    revision: int | None = None,
    verdicts: dict | None = None,
    since: int | None = None,
) -> list[VerdictBlock]:
    """The blocks of `requirements`: the answers and evidence of `revision` (default: the
    latest), the verdicts by requirement id `verdicts` (default: the evaluation's), each answer
    compared from `comparison_bases` — or, given `since`, every answer from that revision and
    no complement question (a partial re-evaluation of a declared change)."""
    ids = [requirement.pk for requirement in requirements]
    latest = revision if revision is not None else latest_revision_number(dossier)
    answers = {
        a.requirement_id: a
        for a in RevisionAnswer.objects.filter(
            revision__dossier=dossier, revision__number=latest, requirement_id__in=ids
        )
    }
    evidence_ids = {pk for a in answers.values() for pk in a.evidence_ids}
    evidence = {
        e.pk: e
        for e in Evidence.objects.filter(dossier=dossier, pk__in=evidence_ids).select_related(
            "document"
        )
    }
    if verdicts is None:
        verdicts = {
            v.requirement_id: v
            for v in Verdict.objects.filter(dossier=dossier, requirement_id__in=ids)
        }
    questions = {}
    if since is None:
        for item in (
            ComplementItem.objects.filter(request__dossier=dossier, requirement_id__in=ids)
            .select_related("request")
            .order_by("request__requested_at", "pk")
        ):
            questions[item.requirement_id] = item  # the latest question wins
        bases = comparison_bases(verdicts, questions, latest)
    else:
        bases = {pk: since for pk in ids} if 0 < since < latest else {}
    changes = _changes(dossier, requirements, bases, latest)
    blocks = []
    for requirement in requirements:
        answer = answers.get(requirement.pk)
        files = [
            EvidenceView(evidence[pk])
            for pk in (answer.evidence_ids if answer else [])
            if pk in evidence
        ]
        blocks.append(
            VerdictBlock(
                dossier_id=dossier.pk,
                domain=domain,
                requirement=requirement,
                answer=answer,
                files=files,
                verdict=verdicts.get(requirement.pk),
                editable=editable,
                latest_revision=latest,
                changes=changes.get(requirement.pk),
                question=questions.get(requirement.pk),
                compared_since=bases.get(requirement.pk),
            )
        )
    return blocks


def domain_requirements(dossier: Dossier, domain: str):
    """The domain's title and its applicable requirements, in referential order."""
    applicability = dossier_applicability(dossier)
    title = next((d.title for d in applicability.domains if d.code == domain), domain)
    return title, [req for req in applicability.requirements if req.domain == domain]


def evaluation_page(*, dossier: Dossier, domain: str, access: EvaluationAccess) -> EvaluationPage:
    title, requirements = domain_requirements(dossier, domain)
    blocks = verdict_blocks(
        dossier=dossier, requirements=requirements, editable=access.editable, domain=domain
    )
    sections: dict[str, SectionView] = {}
    for block in blocks:
        section = block.requirement.section
        sections.setdefault(section.code, SectionView(section.code, section.title)).blocks.append(
            block
        )
    return EvaluationPage(
        dossier=dossier,
        domain=domain,
        title=title,
        access=access,
        score=domain_score(dossier, domain),
        latest_revision=latest_revision_number(dossier),
        sections=list(sections.values()),
    )


def verdict_block(
    *, dossier: Dossier, requirement: Requirement, access: EvaluationAccess, **extra
) -> VerdictBlock:
    block = verdict_blocks(
        dossier=dossier,
        requirements=[requirement],
        editable=access.editable,
        domain=requirement.domain,
    )[0]
    for name, value in extra.items():
        setattr(block, name, value)
    return block

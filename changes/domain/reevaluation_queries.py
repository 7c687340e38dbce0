"""What the pages of a partial re-evaluation read, each in a fixed number of queries:

- `reevaluation_access`: what a person may do on one domain's re-evaluation — `edit` (its
  current, cleared expert once the editor's update arrived, until signed), `read` (that expert
  otherwise, the instruction team), `declare` (a replacement expert who has not declared their
  interests yet: nothing else opens) — or None (404: the editor, other experts, anyone else);
- `reevaluation_page` / `reevaluation_block`: the touched requirements of the domain with the
  answers and evidence of the update's revision, what changed since the previous revision, the
  original evaluation's verdict and the review's own, built on reviews' `verdict_blocks`
  (reviews/domain/evaluation_pages.py) — a fixed number of queries, plus two per changed
  requirement (the word diff);
- `reevaluation_evidence`: one file of those answers, for its own download and preview views;
- `expert_reevaluation_todo` / `instructor_closing_todo`: the home panels (portal.views.
  HOME_PANELS): an expert's partial reviews to do, the soonest due first, and the instruction
  team's re-evaluations whose every domain is signed, to close (each: the role, a count, the
  rows capped at TODO_PAGE_SIZE).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.domain.revisions import latest_revision_number
from applications.models import Evidence, RevisionAnswer
from applications.rules import is_expert
from reviews.domain.evaluation_pages import VerdictBlock, verdict_blocks
from reviews.models import Verdict

from .. import rules as r
from ..enums import ChangeState
from ..models import ChangeDeclaration, PartialReview
from .deadlines import due
from .partial_reviews import touched_requirements
from .queries import TODO_PAGE_SIZE, TodoPanel


@dataclass
class ReevaluationAccess:
    mode: str  # "edit", "read" or "declare"
    review: PartialReview
    reason: str = ""

    @property
    def editable(self) -> bool:
        return self.mode == "edit"


def review_of(declaration: ChangeDeclaration, domain: str) -> PartialReview | None:
    return (
        PartialReview.objects.filter(declaration=declaration, domain=domain)
        .select_related("expert")
        .first()
    )


def reevaluation_access(*, declaration, domain: str, user) -> ReevaluationAccess | None:
    review = review_of(declaration, domain)
    if review is None or not user.is_authenticated:
        return None
    review.declaration = declaration
    if review.expert_id == user.pk:
        if review.conflict_declared_at is None:
            return ReevaluationAccess("declare", review)
        if r.can_evaluate_partial_review.test(user, review):
            return ReevaluationAccess("edit", review)
        if review.signed:
            reason = _("Votre réévaluation est signée.")
        elif declaration.state != ChangeState.PARTIAL_REVIEW:
            reason = _("Cette réévaluation partielle est close.")
        else:
            reason = _(
                "L'éditeur n'a pas encore envoyé la mise à jour de ses réponses : vous pourrez "
                "donner vos avis à son arrivée."
            )
        return ReevaluationAccess("read", review, reason)
    if r.is_instructor.test(user) and r.is_declaration_sent.test(user, declaration):
        return ReevaluationAccess("read", review, _("Consultation par l'instruction."))
    return None


@dataclass
class ReevaluationPage:
    declaration: ChangeDeclaration
    access: ReevaluationAccess
    title: str
    revision: int
    blocks: list[VerdictBlock] = field(default_factory=list)

    @property
    def review(self) -> PartialReview:
        return self.access.review

    @property
    def dossier(self):
        return self.declaration.dossier

    @property
    def total(self) -> int:
        return len(self.blocks)

    @property
    def judged(self) -> int:
        return sum(1 for block in self.blocks if block.verdict)

    @property
    def unjudged(self) -> int:
        return self.total - self.judged

    @property
    def due(self):
        review = self.review
        return due(review.due_on) if review.due_on and not review.signed else None


def _revision(declaration) -> int:
    return declaration.update_revision or latest_revision_number(declaration.dossier)


def _blocks(declaration, review, requirements, *, editable) -> list[VerdictBlock]:
    dossier = declaration.dossier
    ids = [requirement.pk for requirement in requirements]
    verdicts = {}
    for verdict in review.verdicts.filter(requirement_id__in=ids).select_related("expert"):
        verdict.previous_expert = verdict.expert_id != review.expert_id
        verdicts[verdict.requirement_id] = verdict
    originals = {
        v.requirement_id: v for v in Verdict.objects.filter(dossier=dossier, requirement_id__in=ids)
    }
    revision = _revision(declaration)
    since = revision - 1 if declaration.update_revision else 0
    blocks = verdict_blocks(
        dossier=dossier,
        requirements=requirements,
        editable=editable,
        domain=review.domain,
        revision=revision,
        verdicts=verdicts,
        since=since,
    )
    for block in blocks:
        code = block.requirement.code
        block.save_url = reverse(
            "changes:reevaluation-verdict", args=[declaration.pk, review.domain, code]
        )
        block.original = originals.get(block.requirement.pk)
        for file in block.files:
            args = [declaration.pk, review.domain, file.evidence.pk]
            file.download_url = reverse("changes:reevaluation-evidence", args=args)
            if file.preview:
                file.preview_url = reverse("changes:reevaluation-evidence-preview", args=args)
    return blocks


def reevaluation_page(*, declaration, access: ReevaluationAccess) -> ReevaluationPage:
    review = access.review
    requirements = touched_requirements(declaration, review.domain)
    return ReevaluationPage(
        declaration=declaration,
        access=access,
        title=review.get_domain_display(),
        revision=_revision(declaration),
        blocks=_blocks(declaration, review, requirements, editable=access.editable),
    )


def reevaluation_block(*, declaration, access, requirement, **extra) -> VerdictBlock:
    block = _blocks(declaration, access.review, [requirement], editable=access.editable)[0]
    for name, value in extra.items():
        setattr(block, name, value)
    return block


def reevaluation_evidence(*, declaration, review, evidence_pk: int) -> Evidence | None:
    """The file if an answer of a touched requirement of the review's domain, in the
    revision the page shows, cites it (else None: 404)."""
    ids = [requirement.pk for requirement in touched_requirements(declaration, review.domain)]
    cited = {
        pk
        for evidence_ids in RevisionAnswer.objects.filter(
            revision__dossier=declaration.dossier,
            revision__number=_revision(declaration),
            requirement_id__in=ids,
        ).values_list("evidence_ids", flat=True)
        for pk in evidence_ids
    }
    if evidence_pk not in cited:
        return None
    return (
        Evidence.objects.filter(dossier=declaration.dossier, pk=evidence_pk)
        .select_related("document")
        .first()
    )


# -- the home panels ------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    review: PartialReview

    @property
    def due(self):
        return due(self.review.due_on) if self.review.due_on else None

    @property
    def waiting(self) -> bool:
        """The editor's update has not arrived yet."""
        return self.review.declaration.update_sent_at is None


def expert_partial_reviews(user):
    """The user's unsigned partial reviews of declarations still in re-evaluation: those with
    a due date first, the soonest first, then those awaiting the editor's update."""
    return (
        PartialReview.objects.filter(
            expert=user,
            signed_at__isnull=True,
            declaration__state=ChangeState.PARTIAL_REVIEW,
        )
        .select_related("declaration__dossier__service__organisation")
        .order_by(F("due_on").asc(nulls_last=True), "declaration__pk", "domain")
    )


def expert_reevaluation_todo(user) -> TodoPanel | None:
    """« Réévaluations partielles »: an expert's partial reviews to do."""
    if not is_expert.test(user):
        return None
    pending = expert_partial_reviews(user)
    count = pending.count()
    if not count:
        return None
    rows = [ReviewRow(review) for review in pending[:TODO_PAGE_SIZE]]
    return TodoPanel("changes/reevaluation/_todo_expert.html", rows, count)


def declarations_to_close():
    """Declarations in partial re-evaluation whose every domain is signed, the oldest
    qualification first."""
    reviews = PartialReview.objects.filter(declaration=OuterRef("pk"))
    return (
        ChangeDeclaration.objects.filter(state=ChangeState.PARTIAL_REVIEW)
        .filter(Exists(reviews))
        .exclude(Exists(reviews.filter(signed_at__isnull=True)))
        .order_by("qualified_at", "pk")
    )


def instructor_closing_todo(user) -> TodoPanel | None:
    """« Réévaluations à clore »: for the instruction team."""
    if not r.is_instructor.test(user):
        return None
    pending = declarations_to_close()
    count = pending.count()
    if not count:
        return None
    rows = list(pending.select_related("dossier__service__organisation")[:TODO_PAGE_SIZE])
    return TodoPanel("changes/reevaluation/_todo_instructor.html", rows, count)

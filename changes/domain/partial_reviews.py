"""The partial re-evaluation of a declared change, from the editor's update to its closing.

    partial_review ──(editor: change_update_send ─▶ partial_reviews_open)──▶ experts evaluate
        each domain: partial_verdict_save … partial_review_sign (read-only once signed)
        instructor: partial_review_replace ─▶ new expert: partial_review_declare
    every domain signed ──change_review_close──▶ accepted | rejected

- The experts give verdicts only once the editor's update arrived (`update_sent_at`), on the
  touched requirements of their domain (`touched_requirements`), and on the revision that update
  froze (`update_revision`). The original evaluation's `reviews.Verdict` and
  `reviews.DomainEvaluation` are never written: a partial review has its own `PartialVerdict`
  rows and its own signature.
- What a verdict and a signature need is reviews' rule (`verdict_problems`,
  `signature_problems`, `unjudged_problem` of reviews/domain/evaluation.py), read here.
- Each service runs in a transaction with its row locked (the review, or the declaration),
  checks its rule again (changes/rules.py) and says why in French: `PermissionDenied` for a
  person who may not act, `ValidationError` for input or a state that refuses it (as reviews'
  evaluation does); the closing, a state change of the declaration, raises the
  `TransitionError`s of `change_qualify` and writes its `ChangeEvent`.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionBlocked, TransitionForbidden, TransitionInvalid
from applications.enums import Domain
from applications.models import Requirement
from portal.notifications.messenger import notify
from reviews.domain.assignments import eligible_experts
from reviews.domain.evaluation import signature_problems, unjudged_problem, verdict_problems
from reviews.models import ExpertConflict

from .. import rules as r
from ..enums import ChangeState
from ..models import ChangeDeclaration, ChangeEvent, ChangeItem, PartialReview, PartialVerdict
from .declarations import _locked_declaration

REASON_MAX = 5000
#: The outcomes of a closing.
CLOSING_OUTCOMES = (ChangeState.ACCEPTED, ChangeState.REJECTED)


def touched_requirements(
    declaration: ChangeDeclaration, domain: str | None = None
) -> list[Requirement]:
    """The requirements the declaration's items touch — of `domain`, or of every domain —, each
    once, in referential order (one query)."""
    through = ChangeItem.requirements.through.objects.filter(
        changeitem__declaration_id=declaration.pk
    )
    if domain is not None:
        through = through.filter(requirement__domain=domain)
    return list(
        Requirement.objects.filter(pk__in=through.values("requirement_id"))
        .select_related("section__domain")
        .order_by("section__domain__position", "section__position", "position", "pk")
    )


def partial_review_due_on(update_sent_at) -> date:
    """The last day to sign a partial review whose update was sent at `update_sent_at`."""
    return timezone.localdate(update_sent_at) + timedelta(weeks=settings.PARTIAL_REVIEW_WEEKS)


def partial_reviews_open(declaration: ChangeDeclaration, *, actor=None) -> list[PartialReview]:
    """The editor's update arrived: each partial review gets its due date (PARTIAL_REVIEW_WEEKS
    from the update) and its experts are told they can start. Called by
    `changes.domain.updates.change_update_send` inside its transaction, once
    `update_sent_at` is set."""
    if declaration.update_sent_at is None:
        raise ValidationError(_("La mise à jour de l'éditeur n'est pas encore envoyée."))
    due_on = partial_review_due_on(declaration.update_sent_at)
    reviews = list(
        PartialReview.objects.select_for_update(of=("self",))
        .select_related("expert")
        .filter(declaration=declaration, signed_at__isnull=True)
    )
    for review in reviews:
        review.due_on = due_on
        review.save(update_fields=["due_on"])
    told = [review for review in reviews if review.cleared]
    if told:
        notify(
            "change_update_arrived",
            dossier=declaration.dossier,
            actor=actor,
            declaration=declaration,
            reviews=told,
        )
    return reviews


# -- the expert ------------------------------------------------------------------------------------


def _locked_review(review: PartialReview) -> PartialReview:
    return (
        PartialReview.objects.select_for_update(of=("self",))
        .select_related("declaration__dossier__service__organisation", "expert")
        .get(pk=review.pk)
    )


def _check_evaluator(review: PartialReview, actor) -> None:
    """The actor may give verdicts on the (locked) review now, or the French reason why not."""
    if r.can_evaluate_partial_review.test(actor, review):
        return
    if not r.is_partial_review_current_expert.test(actor, review):
        raise PermissionDenied(_("Vous n'êtes pas l'expert de cette réévaluation partielle."))
    if review.signed_at is not None:
        raise ValidationError(_("Cette réévaluation est signée : elle ne change plus."))
    if review.declaration.state != ChangeState.PARTIAL_REVIEW:
        raise ValidationError(_("Cette réévaluation partielle est close."))
    raise ValidationError(
        _("L'éditeur n'a pas encore envoyé la mise à jour de ses réponses : attendez-la.")
    )


def partial_verdict_save(
    *, review: PartialReview, requirement: Requirement, actor, verdict: str, comment: str
) -> PartialVerdict:
    """The current expert's verdict on one touched requirement of the review's domain, on the
    update's revision (saved again as often as they change it, until they sign)."""
    comment = (comment or "").strip()
    if problems := verdict_problems(verdict, comment):
        raise ValidationError(problems)
    with transaction.atomic():
        locked = _locked_review(review)
        _check_evaluator(locked, actor)
        touched = {req.pk for req in touched_requirements(locked.declaration, locked.domain)}
        if requirement.pk not in touched:
            raise ValidationError(
                _("Cette exigence n'est pas touchée par la modification dans ce domaine.")
            )
        row, _created = PartialVerdict.objects.update_or_create(
            partial_review=locked,
            requirement=requirement,
            defaults={
                "expert": actor,
                "verdict": verdict,
                "comment": comment,
                "revision_number": locked.declaration.update_revision,
            },
        )
    return row


def partial_review_sign(
    *, review: PartialReview, actor, conclusion: str, synthesis: str
) -> PartialReview:
    """Sign the domain's re-evaluation: every touched requirement judged, a conclusion and a
    synthesis; read-only afterwards."""
    if problems := signature_problems(conclusion, synthesis):
        raise ValidationError(problems)
    with transaction.atomic():
        locked = _locked_review(review)
        _check_evaluator(locked, actor)
        required = {req.pk for req in touched_requirements(locked.declaration, locked.domain)}
        judged = set(
            PartialVerdict.objects.filter(
                partial_review=locked, requirement_id__in=required
            ).values_list("requirement_id", flat=True)
        )
        if missing := len(required - judged):
            raise ValidationError(unjudged_problem(missing))
        locked.conclusion = conclusion
        locked.synthesis = synthesis.strip()
        locked.signed_at = timezone.now()
        locked.save(update_fields=["conclusion", "synthesis", "signed_at"])
    return locked


# -- the instruction team's replacement, the new expert's declaration ------------------------------


def replacement_candidates(review: PartialReview):
    """Who may take over the review's domain: reviews' rule (an active expert of the domain
    with no declared conflict with the organisation), never a member of the editor's
    organisation nor the current expert."""
    dossier = review.declaration.dossier
    candidates = eligible_experts(dossier=dossier, domain=review.domain).exclude(
        memberships__organisation_id=dossier.service.organisation_id
    )
    if review.expert_id is not None:
        candidates = candidates.exclude(pk=review.expert_id)
    return candidates


def partial_review_replace(*, review: PartialReview, expert, actor, reason: str) -> PartialReview:
    """Give the unsigned review to another expert of the domain (the reason kept in its
    history). Verdicts already given stay, marked as the previous expert's; the new expert
    declares their interests before seeing anything, and is told."""
    reason = (reason or "").strip()
    if not r.is_instructor.test(actor):
        raise PermissionDenied(_("Seule l'équipe d'instruction confie une réévaluation."))
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du remplacement.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Le motif dépasse %(n)s caractères.") % {"n": REASON_MAX}}
        )
    with transaction.atomic():
        locked = _locked_review(review)
        if locked.signed_at is not None:
            raise ValidationError(_("Cette réévaluation est signée : son expert ne change plus."))
        if locked.declaration.state != ChangeState.PARTIAL_REVIEW:
            raise ValidationError(_("Cette réévaluation partielle est close."))
        if expert is None or not replacement_candidates(locked).filter(pk=expert.pk).exists():
            raise ValidationError(
                {
                    "expert": _(
                        "Impossible de confier la réévaluation à %(expert)s : cette personne "
                        "n'est pas experte du domaine « %(domain)s », est déjà l'expert, est "
                        "membre de l'éditeur ou a déclaré un conflit d'intérêts avec lui."
                    )
                    % {"expert": expert, "domain": Domain(locked.domain).label}
                }
            )
        locked.expert = expert
        locked.conflict_declared_at = None
        locked._change_reason = reason[:100]
        locked.save(update_fields=["expert", "conflict_declared_at"])
        notify(
            "change_partial_review_assigned",
            dossier=locked.declaration.dossier,
            actor=actor,
            review=locked,
        )
    return locked


def partial_review_declare(
    *, review: PartialReview, actor, conflict: bool, details: str = ""
) -> PartialReview:
    """The new expert declares no conflict of interest (the review opens to them), or a
    conflict: recorded for the organisation, the review goes back to the instruction team
    (no expert), who is told."""
    details = (details or "").strip()
    with transaction.atomic():
        locked = _locked_review(review)
        if locked.expert_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Cette réévaluation ne vous est pas confiée."))
        if locked.conflict_declared_at is not None:
            raise ValidationError(
                _("Vous avez déjà fait votre déclaration pour cette réévaluation.")
            )
        if locked.signed_at is not None or locked.declaration.state != ChangeState.PARTIAL_REVIEW:
            raise ValidationError(_("Cette réévaluation partielle est close."))
        if not conflict:
            locked.conflict_declared_at = timezone.now()
            locked.save(update_fields=["conflict_declared_at"])
            return locked
        if not details:
            raise ValidationError({"details": _("Décrivez la nature du conflit d'intérêts.")})
        ExpertConflict.objects.get_or_create(
            expert=actor,
            organisation=locked.declaration.dossier.service.organisation,
            defaults={"details": details},
        )
        locked.expert = None
        locked._change_reason = _("Conflit d'intérêts déclaré")[:100]
        locked.save(update_fields=["expert"])
        notify(
            "change_partial_review_conflict",
            dossier=locked.declaration.dossier,
            actor=actor,
            declaration=locked.declaration,
            review=locked,
        )
    return locked


# -- the closing ---------------------------------------------------------------------------------


def change_review_close(
    *, declaration: ChangeDeclaration, actor, outcome: str, reason: str
) -> ChangeDeclaration:
    """Close the partial re-evaluation once every domain is signed: the change is accepted, or
    found not compliant (then the instruction team may propose a suspension); the reason is
    told to the editor."""
    reason = (reason or "").strip()
    if outcome not in CLOSING_OUTCOMES:
        raise TransitionInvalid(_("Choisissez l'issue de la réévaluation."))
    if not reason:
        raise TransitionInvalid(_("Indiquez le motif de la clôture : l'éditeur le lira."))
    if len(reason) > REASON_MAX:
        raise TransitionInvalid(_("Le motif dépasse %(n)s caractères.") % {"n": REASON_MAX})
    with transaction.atomic():
        locked = _locked_declaration(declaration)
        if not r.is_instructor.test(actor):
            raise TransitionForbidden(
                _("Seule l'équipe d'instruction clôt une réévaluation partielle.")
            )
        if locked.state != ChangeState.PARTIAL_REVIEW:
            raise TransitionInvalid(_("Cette modification n'est pas en réévaluation partielle."))
        unsigned = [
            review.get_domain_display()
            for review in PartialReview.objects.filter(declaration=locked, signed_at__isnull=True)
        ]
        if unsigned:
            raise TransitionBlocked(
                [
                    _("La réévaluation du domaine « %(domain)s » n'est pas signée.")
                    % {"domain": label}
                    for label in unsigned
                ]
            )
        if not locked.partial_reviews.exists():
            raise TransitionBlocked([_("Aucun domaine n'est à réévaluer.")])
        now = timezone.now()
        previous = locked.state
        locked.state = ChangeState(outcome)
        locked.closed_by, locked.closed_at, locked.closing_reason = actor, now, reason
        locked.save(update_fields=["state", "closed_by", "closed_at", "closing_reason"])
        ChangeEvent.objects.create(
            declaration=locked,
            at=now,
            actor=actor,
            from_state=previous,
            to_state=locked.state,
            comment=reason,
        )
        notify("change_review_closed", dossier=locked.dossier, actor=actor, declaration=locked)
    return locked

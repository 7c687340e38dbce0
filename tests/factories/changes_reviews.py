"""Partial re-evaluations of a declared change, built with the real services: a published
dossier's declaration touching some domains, qualified « réévaluation partielle », and the
editor's update simulated as the contract with `changes.domain.updates.change_update_send`
says — the touched answers changed, a revision frozen (`revision_freeze`), `update_sent_by`,
`update_sent_at` and `update_revision` set, then `partial_reviews_open`."""

from django.db import transaction
from django.utils import timezone

from applications.domain.applicability import applicable_requirements
from applications.domain.revisions import revision_freeze
from applications.models import Answer
from changes.domain.declarations import ItemInput, change_draft_create, change_send
from changes.domain.partial_reviews import (
    partial_review_sign,
    partial_reviews_open,
    partial_verdict_save,
    touched_requirements,
)
from changes.domain.qualification import change_qualify
from changes.models import PartialReview


def touched(dossier, domains, per_domain: int = 1):
    """The first `per_domain` applicable requirements of each domain."""
    chosen = []
    for domain in domains:
        chosen += [r for r in applicable_requirements(dossier) if r.domain == domain][:per_domain]
    return chosen


def in_partial_review(dossier, cast, *, domains=None, per_domain: int = 1, text="Nouvelle IA."):
    """A declaration of `dossier` touching `domains` (default: the first applicable one),
    sent by the editor and qualified « réévaluation partielle » by the instructor."""
    domains = domains or [sorted(cast.experts)[0]]
    draft = change_draft_create(
        dossier=dossier,
        actor=cast.editor,
        items=[
            ItemInput(
                text=text,
                editor_view="substantial",
                requirements=touched(dossier, domains, per_domain),
            )
        ],
        files=(),
    )
    declaration = change_send(declaration=draft, actor=cast.editor)
    return change_qualify(
        declaration=declaration,
        actor=cast.instructor,
        outcome="partial_review",
        reason="À réévaluer par les experts.",
    )


def update_sent(declaration, actor, *, justification="Réponse mise à jour après la modification."):
    """The editor's update: each touched answer rewritten, a revision frozen and the
    declaration's update fields set, then the experts told (`partial_reviews_open`)."""
    dossier = declaration.dossier
    with transaction.atomic():
        for review in declaration.partial_reviews.all():
            for requirement in touched_requirements(declaration, review.domain):
                Answer.objects.filter(dossier=dossier, requirement=requirement).update(
                    justification=justification
                )
        revision = revision_freeze(dossier=dossier, actor=actor, transition="change_update")
        declaration.update_sent_by = actor
        declaration.update_sent_at = timezone.now()
        declaration.update_revision = revision.number
        declaration.save(update_fields=["update_sent_by", "update_sent_at", "update_revision"])
        partial_reviews_open(declaration, actor=actor)
    declaration.refresh_from_db()
    return declaration


def review_signed(review: PartialReview, *, verdict="compliant", conclusion="favorable"):
    """The review's expert judges every touched requirement `verdict`, then signs."""
    declaration = review.declaration
    for requirement in touched_requirements(declaration, review.domain):
        partial_verdict_save(
            review=review,
            requirement=requirement,
            actor=review.expert,
            verdict=verdict,
            comment="" if verdict == "compliant" else "Non conforme après la modification.",
        )
    return partial_review_sign(
        review=review, actor=review.expert, conclusion=conclusion, synthesis="Vu et revu."
    )

"""Verdicts per requirement and the signed evaluation of each domain.

What a verdict and a signature need is written once here (`verdict_problems`,
`signature_problems`, `unjudged_problem`) and read by the partial re-evaluation of a declared
change too (changes/domain/partial_reviews.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.domain.applicability import applicable_requirements
from applications.domain.revisions import latest_revision_number
from applications.enums import DossierState

from ..models import Conclusion, DomainEvaluation, Verdict, VerdictChoice
from .assignments import cleared_assignment


def _check_expert(dossier, requirement_domain, actor):
    if dossier.state != DossierState.UNDER_EVALUATION:
        raise ValidationError(_("Le dossier n'est pas en cours d'évaluation."))
    if cleared_assignment(dossier=dossier, user=actor, domain=requirement_domain) is None:
        raise PermissionDenied(_("Vous n'êtes pas l'expert de ce domaine pour ce dossier."))
    if DomainEvaluation.objects.filter(dossier=dossier, domain=requirement_domain).exists():
        raise ValidationError(_("L'évaluation de ce domaine est signée : elle ne change plus."))


def verdict_problems(verdict: str, comment: str) -> dict[str, str]:
    """What is wrong with a verdict as given, by field (empty when it may be saved): a known
    choice, and a comment unless the requirement is compliant."""
    if verdict not in VerdictChoice.values:
        return {"verdict": _("Choisissez un avis.")}
    if verdict != VerdictChoice.COMPLIANT and not (comment or "").strip():
        return {"comment": _("Un commentaire est obligatoire quand l'exigence n'est pas conforme.")}
    return {}


def signature_problems(conclusion: str, synthesis: str) -> dict[str, str]:
    """What is wrong with a signature as given, by field: a known conclusion and a synthesis."""
    if conclusion not in Conclusion.values:
        return {"conclusion": _("Choisissez une conclusion.")}
    if not (synthesis or "").strip():
        return {"synthesis": _("La synthèse est obligatoire.")}
    return {}


def unjudged_problem(missing: int) -> str:
    """Why a domain with `missing` requirements left without a verdict may not be signed."""
    return ngettext(
        "Impossible de signer : %(n)d exigence du domaine est sans avis.",
        "Impossible de signer : %(n)d exigences du domaine sont sans avis.",
        missing,
    ) % {"n": missing}


@transaction.atomic
def verdict_save(*, dossier, requirement, actor, verdict: str, comment: str) -> Verdict:
    comment = comment.strip()
    if problems := verdict_problems(verdict, comment):
        raise ValidationError(problems)
    if requirement.version_id != dossier.referential_version_id:
        raise ValidationError(_("Cette exigence n'appartient pas au référentiel du dossier."))
    _check_expert(dossier, requirement.domain, actor)
    row, _created = Verdict.objects.update_or_create(
        dossier=dossier,
        requirement=requirement,
        defaults={
            "expert": actor,
            "verdict": verdict,
            "comment": comment,
            "revision_number": latest_revision_number(dossier),
        },
    )
    return row


@transaction.atomic
def evaluation_sign(
    *, dossier, domain: str, actor, conclusion: str, synthesis: str
) -> DomainEvaluation:
    if problems := signature_problems(conclusion, synthesis):
        raise ValidationError(problems)
    _check_expert(dossier, domain, actor)
    required = {r.pk for r in applicable_requirements(dossier) if r.domain == domain}
    judged = set(
        Verdict.objects.filter(dossier=dossier, requirement_id__in=required).values_list(
            "requirement_id", flat=True
        )
    )
    if missing := len(required - judged):
        raise ValidationError(unjudged_problem(missing))
    try:
        with transaction.atomic():
            return DomainEvaluation.objects.create(
                dossier=dossier,
                domain=domain,
                expert=actor,
                conclusion=conclusion,
                synthesis=synthesis.strip(),
                revision_number=latest_revision_number(dossier),
            )
    except IntegrityError:
        raise ValidationError(_("Cette évaluation est déjà signée.")) from None

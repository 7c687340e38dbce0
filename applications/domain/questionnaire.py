"""Filling in the questionnaires: answers saved as the editor goes, and the reads behind the
questionnaire pages (the evidence files and their library: `documents`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules as r
from ..enums import AnswerStatus, DossierState
from ..models import Answer, Dossier, Evidence, Requirement
from .applicability import applicable_requirements

NEEDS_JUSTIFICATION = (AnswerStatus.NON_COMPLIANT, AnswerStatus.NOT_APPLICABLE)


class AnswerConflict(Exception):
    """Someone saved this answer since the editor loaded it; `current` is their version."""

    def __init__(self, current: Answer):
        self.current = current
        super().__init__(
            _(
                "%(who)s a modifié cette réponse à %(when)s, après que vous l'avez ouverte. "
                "Votre saisie n'a pas été enregistrée : comparez-la avec la sienne ci-dessous."
            )
            % {
                "who": current.updated_by or _("Un collègue"),
                "when": timezone.localtime(current.updated_at).strftime("%H:%M"),
            }
        )


def complement_questions(dossier: Dossier) -> dict[int, str] | None:
    """While complements are requested, the questions of the open request by requirement id:
    those requirements, and only those, may be changed; None in any other state (no query).

    The questions are the reviews app's data, which this app may not import: they are read
    through the dossier's relations, as the guards read theirs."""
    if dossier.state != DossierState.COMPLEMENTS_REQUESTED:
        return None
    return dict(
        dossier.complement_requests.open()
        .filter(items__isnull=False)
        .values_list("items__requirement_id", "items__question")
    )


def change_update_requirements(dossier: Dossier) -> dict[int, str] | None:
    """While a declared change of the published dossier waits for the editor's update (a partial
    re-evaluation, the update not sent: `rules.change_updates_open`), the requirements its items
    touch by id, each with the declaration it is to be updated for (« Modification n° N »):
    those requirements, and only those, may be changed; None in any other state or when no
    change waits (no query unless the dossier is published).

    The declarations are the changes app's data, which this app may not import: they are read
    through the dossier's relation."""
    if dossier.state != DossierState.PUBLISHED:
        return None
    rows = list(
        r.change_updates_open(dossier)
        .values_list("items__requirements", "pk")
        .order_by("pk")
        .distinct()
    )
    if not rows:
        return None
    # A change that waits for its update but touches no requirement opens none (an empty dict:
    # everything locked), never the whole questionnaire.
    reasons: dict[int, list[int]] = {}
    for requirement_id, declaration_id in rows:
        if requirement_id is None:
            continue
        numbers = reasons.setdefault(requirement_id, [])
        if declaration_id not in numbers:
            numbers.append(declaration_id)
    return {
        pk: ", ".join(_("Modification n° %(n)s") % {"n": n} for n in numbers)
        for pk, numbers in reasons.items()
    }


def opened_requirements(dossier: Dossier) -> dict[int, str] | None:
    """The requirements that alone may be changed now, by id, each with why: the question of a
    complements request, or the declared change to update on a published dossier; None when no
    such opening restricts the questionnaire (whether it may be changed at all is the rule
    `can_edit_questionnaire`'s). One rule for the answers, the evidence and the library."""
    questions = complement_questions(dossier)
    return questions if questions is not None else change_update_requirements(dossier)


def locked_by_complements(questions: dict[int, str] | None, requirement_id: int) -> bool:
    """Whether an opening (`opened_requirements`: complements, or a declared change to update)
    leaves that requirement as it is."""
    return questions is not None and requirement_id not in questions


def opening_refusal(dossier: Dossier) -> str:
    """Why a requirement outside the opening may not be changed, in the editor's words."""
    if dossier.state == DossierState.PUBLISHED:
        return _(
            "Seules les exigences touchées par la modification déclarée à mettre à jour sont "
            "modifiables."
        )
    return _("Seules les exigences visées par la demande de compléments sont modifiables.")


def _check_can_edit(dossier: Dossier, actor, requirement: Requirement) -> None:
    if not r.can_edit_questionnaire.test(actor, dossier):
        raise PermissionDenied(
            _("Les réponses de ce dossier ne peuvent pas être modifiées dans son état actuel.")
        )
    if locked_by_complements(opened_requirements(dossier), requirement.pk):
        raise PermissionDenied(opening_refusal(dossier))


def answer_save(
    *,
    dossier: Dossier,
    requirement: Requirement,
    actor,
    status: str,
    justification: str,
    free_text: str,
    expected_version: int,
) -> Answer:
    """Save one answer if nobody saved it since `expected_version` was read (0: none yet)."""
    _check_can_edit(dossier, actor, requirement)
    if requirement.version_id != dossier.referential_version_id:
        raise ValidationError(_("Cette exigence n'appartient pas au référentiel du dossier."))
    if status and status not in AnswerStatus.values:
        raise ValidationError(_("Réponse inconnue."))
    with transaction.atomic():
        answer = (
            Answer.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(dossier=dossier, requirement=requirement)
            .first()
        )
        current_version = answer.version if answer else 0
        if current_version != expected_version:
            raise AnswerConflict(answer)
        if answer is None:
            answer = Answer(dossier=dossier, requirement=requirement)
        answer.status = status
        answer.justification = justification.strip()
        answer.free_text = free_text.strip()
        answer.version = current_version + 1
        answer.carried_over = ""  # a renewal's copied answer, edited: confirmed by this edit
        answer.updated_by = actor
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:  # a colleague created it at the same instant
            raise AnswerConflict(
                Answer.objects.select_related("updated_by").get(
                    dossier=dossier, requirement=requirement
                )
            ) from None
    return answer


def unconfirmed_carried_over(dossier: Dossier) -> int:
    """How many answers a renewal copied (applications/domain/renewal.py) still wait for the
    editor's confirmation, among the requirements that apply (no query for a dossier that
    renews none)."""
    if not dossier.renews_id:
        return 0
    applicable = [requirement.pk for requirement in applicable_requirements(dossier)]
    return (
        Answer.objects.filter(dossier=dossier, requirement_id__in=applicable)
        .exclude(carried_over="")
        .count()
    )


def answer_gaps(answer, requirement, evidence_count) -> list[str]:
    """What this answer still lacks: "answer", "justification" and/or "evidence"."""
    status = answer.status if answer else ""
    if not status:
        return ["answer"] if requirement.mandatory else []
    gaps = []
    if status in NEEDS_JUSTIFICATION and not answer.justification:
        gaps.append("justification")
    if status == AnswerStatus.COMPLIANT and requirement.evidence_required and not evidence_count:
        gaps.append("evidence")
    return gaps


def dossier_answers(dossier: Dossier) -> dict[int, Answer]:
    return {
        a.requirement_id: a
        for a in Answer.objects.filter(dossier=dossier).select_related("updated_by")
    }


def dossier_evidence(dossier: Dossier) -> dict[int, list[Evidence]]:
    files: dict[int, list[Evidence]] = {}
    for evidence in Evidence.objects.filter(
        dossier=dossier, removed_at__isnull=True
    ).select_related("document"):
        files.setdefault(evidence.requirement_id, []).append(evidence)
    return files


def evidence_counts(dossier: Dossier) -> dict[int, int]:
    return dict(
        Evidence.objects.filter(dossier=dossier, removed_at__isnull=True)
        .values_list("requirement_id")
        .annotate(n=Count("pk"))
        .values_list("requirement_id", "n")
    )

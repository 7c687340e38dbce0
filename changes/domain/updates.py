"""The editor's update of a partial re-evaluation: between the qualification and the experts.

    partial_review, update awaited ──change_update_send──▶ partial_review, update sent
                                                            (the experts evaluate it)

While a declaration is in PARTIAL_REVIEW with `update_sent_at` empty, the published dossier's
questionnaire opens for its editor on the requirements the declaration's items touch, those
only, as a complements request opens its own: the rule is the applications app's
(`applications.rules.is_open_for_change_update` in `can_edit_questionnaire`, and
`applications.domain.questionnaire.change_update_requirements` for which requirements), read
through `dossier.change_declarations`, so that the answer save, the evidence and the document
library all follow it. The dossier stays PUBLISHED and its catalogue card is not touched.

`change_update_send(*, declaration, actor, unchanged_confirmed=False)`: in a transaction, the
declaration's row locked and checked again (`changes.rules.can_send_update`: the dossier's
editor, the update still awaited), then the dossier's row locked (the evidence and library
writes hold it: such an edit is either frozen or refused; an answer saved at that very instant
checks its permission before, as during complements), the update frozen as the dossier's new
revision (`revision_freeze(transition="change_update")`), the three `update_*` fields set, the
history row written (`ChangeEvent`, from and to PARTIAL_REVIEW) and the experts' side opened
(`changes.domain.partial_reviews.partial_reviews_open`). An update that changes nothing is sent
only when the editor says so (`unchanged_confirmed`).

`update_summary(declaration)`: for each touched requirement, in the referential's order, what
changed — before sending, between the dossier's latest revision and its answers now; once sent,
between the revision before the update and the update's — in at most six queries whatever the number
of requirements (`reviews.domain.complements.RequirementChanges` and its word diff, as the
experts read them; its `requirement_changes` compares two revisions, not a revision and the
answers now).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionBlocked, TransitionForbidden, TransitionInvalid
from applications.domain.revisions import latest_revision_number, revision_freeze
from applications.enums import AnswerStatus, DossierState
from applications.models import (
    Answer,
    Dossier,
    Evidence,
    Requirement,
    RevisionAnswer,
)
from reviews.domain.complements import RequirementChanges
from reviews.domain.complements import _word_diff as word_diff

from .. import rules as r
from ..enums import ChangeState
from ..models import ChangeDeclaration, ChangeEvent
from .declarations import _locked_declaration
from .partial_reviews import partial_reviews_open, touched_requirements

#: The revision's `transition` (applications.models.Revision): the filings are named after
#: the dossier's transitions, this one after the declared change's step.
UPDATE_TRANSITION = "change_update"

STATUS_LABELS = dict(AnswerStatus.choices)


@dataclass
class TouchedRequirement:
    requirement: Requirement
    changes: RequirementChanges

    @property
    def changed(self) -> bool:
        return self.changes.changed


@dataclass
class UpdateSummary:
    """What the update changes (`sent`: as frozen; otherwise, as the answers stand now)."""

    since: int
    latest: int
    sent: bool
    requirements: list[TouchedRequirement] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(entry.changed for entry in self.requirements)

    @property
    def changed_count(self) -> int:
        return sum(entry.changed for entry in self.requirements)


def _frozen(dossier_id: int, number: int, ids: list[int]) -> dict[int, tuple]:
    if not number:
        return {}
    return {
        row[0]: (row[1], row[2], row[3], list(row[4]))
        for row in RevisionAnswer.objects.filter(
            revision__dossier_id=dossier_id, revision__number=number, requirement_id__in=ids
        ).values_list("requirement_id", "status", "justification", "free_text", "evidence_ids")
    }


def _draft(dossier_id: int, ids: list[int]) -> dict[int, tuple]:
    files: dict[int, list[int]] = {}
    for requirement_id, pk in Evidence.objects.filter(
        dossier_id=dossier_id, requirement_id__in=ids, removed_at__isnull=True
    ).values_list("requirement_id", "pk"):
        files.setdefault(requirement_id, []).append(pk)
    answers = {
        pk: (status, justification, free_text, files.get(pk, []))
        for pk, status, justification, free_text in Answer.objects.filter(
            dossier_id=dossier_id, requirement_id__in=ids
        ).values_list("requirement_id", "status", "justification", "free_text")
    }
    for pk, evidence in files.items():
        answers.setdefault(pk, ("", "", "", evidence))
    return answers


NOTHING = ("", "", "", [])


def update_summary(declaration: ChangeDeclaration) -> UpdateSummary:
    requirements = touched_requirements(declaration)
    ids = [requirement.pk for requirement in requirements]
    dossier_id = declaration.dossier_id
    sent = declaration.update_revision is not None
    if sent:
        latest = declaration.update_revision
        since = latest - 1
        after = _frozen(dossier_id, latest, ids)
    else:
        since = latest_revision_number(declaration.dossier)
        latest = since + 1  # the revision the sending will freeze
        after = _draft(dossier_id, ids)
    before = _frozen(dossier_id, since, ids)
    evidence_ids = {pk for rows in (before, after) for row in rows.values() for pk in row[3]}
    names = dict(Evidence.objects.filter(pk__in=evidence_ids).values_list("pk", "document__name"))
    summary = UpdateSummary(since=since, latest=latest, sent=sent)
    for requirement in requirements:
        old = before.get(requirement.pk, NOTHING)
        new = after.get(requirement.pk, NOTHING)
        changes = RequirementChanges(since=since, latest=latest)
        changes.status_before = STATUS_LABELS.get(old[0], "")
        changes.status_after = STATUS_LABELS.get(new[0], "")
        for index, label in ((1, _("Justification")), (2, _("Commentaire"))):
            if old[index] != new[index]:
                changes.text_diffs[label] = word_diff(old[index], new[index])
        old_ids, new_ids = set(old[3]), set(new[3])
        changes.files_added = [names[i] for i in sorted(new_ids - old_ids) if i in names]
        changes.files_removed = [names[i] for i in sorted(old_ids - new_ids) if i in names]
        summary.requirements.append(TouchedRequirement(requirement, changes))
    return summary


def change_update_send(
    *, declaration: ChangeDeclaration, actor, unchanged_confirmed: bool = False
) -> ChangeDeclaration:
    """Send the editor's update of a partial re-evaluation: the touched requirements' answers
    and evidence, frozen as the dossier's new revision, which the experts then evaluate."""
    with transaction.atomic():
        locked = _locked_declaration(declaration)
        if not r.can_send_update.test(actor, locked):
            if not r.declaration_editor.test(actor, locked):
                raise TransitionForbidden(
                    _("Seul l'éditeur du dossier envoie la mise à jour de ses réponses.")
                )
            if locked.state == ChangeState.PARTIAL_REVIEW:
                raise TransitionInvalid(_("La mise à jour de cette modification est déjà envoyée."))
            raise TransitionInvalid(
                _(
                    "Cette modification n'attend pas de mise à jour : seule une réévaluation "
                    "partielle en demande une."
                )
            )
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("service")
            .get(pk=locked.dossier_id)
        )
        if dossier.state != DossierState.PUBLISHED:
            raise TransitionInvalid(
                _(
                    "Le dossier n'est plus publié (« %(state)s ») : la mise à jour ne peut pas "
                    "être envoyée."
                )
                % {"state": dossier.get_state_display()}
            )
        locked.dossier = dossier
        if not unchanged_confirmed and not update_summary(locked).changed:
            raise TransitionBlocked(
                [
                    _(
                        "Aucune réponse ni pièce des exigences touchées n'a changé depuis le "
                        "dossier publié : cochez « Envoyer sans modification » pour l'envoyer "
                        "telle quelle."
                    )
                ]
            )
        revision = revision_freeze(dossier=dossier, actor=actor, transition=UPDATE_TRANSITION)
        now = timezone.now()
        locked.update_sent_by, locked.update_sent_at = actor, now
        locked.update_revision = revision.number
        locked.save(update_fields=["update_sent_by", "update_sent_at", "update_revision"])
        ChangeEvent.objects.create(
            declaration=locked,
            at=now,
            actor=actor,
            from_state=ChangeState.PARTIAL_REVIEW,
            to_state=ChangeState.PARTIAL_REVIEW,
            comment=_("Mise à jour envoyée."),
        )
        partial_reviews_open(locked, actor=actor)
    return locked

"""Complement requests: the expert (or instructor) asks questions on chosen requirements; the
editor answers on those only, which makes a new revision; the expert then sees what changed."""

import difflib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications import rules as r
from applications.domain.revisions import latest_revision_number
from applications.domain.transitions import transition_apply
from applications.models import Answer, Evidence, RevisionAnswer

from ..models import ComplementItem, ComplementRequest
from .assignments import cleared_assignment


def complements_request(*, dossier, actor, items, comment: str = ""):
    """`items`: (requirement, question) pairs. Moves the dossier to « Compléments demandés »."""
    items = [(req, (question or "").strip()) for req, question in items]
    if not items:
        raise ValidationError(_("Choisissez au moins une exigence et posez votre question."))
    if any(not question for _req, question in items):
        raise ValidationError(_("Chaque exigence choisie doit avoir sa question."))
    if not r.is_instructor.test(actor):
        for requirement, _question in items:
            if cleared_assignment(dossier=dossier, user=actor, domain=requirement.domain) is None:
                raise PermissionDenied(
                    _("Vous ne pouvez demander des compléments que sur votre domaine.")
                )
    summary = comment.strip() or "\n".join(f"{req.code} : {q}" for req, q in items)
    return dossier_request_complements(dossier=dossier, actor=actor, comment=summary, items=items)


def dossier_request_complements(*, dossier, actor, comment: str = "", items=()):
    """The transition: ask the editor for complements; `items` are (requirement, question)
    pairs that the editor then answers on (`complements_request` checks who may ask what)."""

    def record_questions(locked):
        if not items:
            return
        request = ComplementRequest.objects.create(
            dossier=locked, requested_by=actor, revision_number=latest_revision_number(locked)
        )
        ComplementItem.objects.bulk_create(
            ComplementItem(request=request, requirement=requirement, question=question)
            for requirement, question in items
        )

    return transition_apply(
        "request_complements",
        dossier=dossier,
        actor=actor,
        comment=comment,
        on_applied=record_questions,
    )


def open_complement_request(dossier) -> ComplementRequest | None:
    return dossier.complement_requests.open().first()


def unanswered_questions(dossier) -> list[ComplementItem]:
    """The open request's questions whose requirement the editor left as it was filed when the
    request was made: same answer, justification, comment and files. Sending the complements
    does not need them answered (the transition has no guard): the editor is told, and
    confirms. Four queries, whatever the number of questions."""
    request = open_complement_request(dossier)
    if request is None:
        return []
    items = sorted(
        request.items.select_related("requirement"), key=lambda item: item.requirement.position
    )
    ids = [item.requirement_id for item in items]
    filed = {
        row.requirement_id: (
            row.status,
            row.justification,
            row.free_text,
            tuple(sorted(row.evidence_ids)),
        )
        for row in RevisionAnswer.objects.filter(
            revision__dossier=dossier,
            revision__number=request.revision_number,
            requirement_id__in=ids,
        )
    }
    files: dict[int, list[int]] = {}
    for requirement_id, pk in Evidence.objects.filter(
        dossier=dossier, requirement_id__in=ids, removed_at__isnull=True
    ).values_list("requirement_id", "pk"):
        files.setdefault(requirement_id, []).append(pk)
    draft = {
        requirement_id: (status, justification, free_text)
        for requirement_id, status, justification, free_text in Answer.objects.filter(
            dossier=dossier, requirement_id__in=ids
        ).values_list("requirement_id", "status", "justification", "free_text")
    }

    def now(requirement_id):
        status, justification, free_text = draft.get(requirement_id, ("", "", ""))
        return (status, justification, free_text, tuple(sorted(files.get(requirement_id, []))))

    nothing = ("", "", "", ())
    return [
        item
        for item in items
        if now(item.requirement_id) == filed.get(item.requirement_id, nothing)
    ]


@dataclass
class RequirementChanges:
    """What the editor changed on one requirement between two revisions."""

    since: int
    latest: int
    status_before: str = ""
    status_after: str = ""
    text_diffs: dict = field(default_factory=dict)  # field label -> list of (kind, text)
    files_added: list = field(default_factory=list)
    files_removed: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.status_before != self.status_after
            or self.text_diffs
            or self.files_added
            or self.files_removed
        )


def _word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff as (kind, text) runs: kind is "same", "added" or "removed"."""
    a, b = before.split(), after.split()
    runs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("removed", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("added", " ".join(b[j1:j2])))
    return runs


def requirement_changes(*, dossier, requirement, since: int) -> RequirementChanges | None:
    """Changes on `requirement` from revision `since` to the dossier's latest revision."""
    rows = {
        row.revision.number: row
        for row in RevisionAnswer.objects.filter(
            revision__dossier=dossier, requirement=requirement
        ).select_related("revision")
    }
    latest = max(rows, default=0)
    if not latest or latest == since:
        return None
    before, after = rows.get(since), rows[latest]
    changes = RequirementChanges(since=since, latest=latest)
    changes.status_before = before.get_status_display() if before else ""
    changes.status_after = after.get_status_display()
    for name, label in (("justification", _("Justification")), ("free_text", _("Commentaire"))):
        old, new = getattr(before, name, "") if before else "", getattr(after, name)
        if old != new:
            changes.text_diffs[label] = _word_diff(old, new)
    old_ids = set(before.evidence_ids) if before else set()
    new_ids = set(after.evidence_ids)
    names = dict(
        Evidence.objects.filter(pk__in=old_ids | new_ids).values_list("pk", "document__name")
    )
    changes.files_added = [names[i] for i in sorted(new_ids - old_ids) if i in names]
    changes.files_removed = [names[i] for i in sorted(old_ids - new_ids) if i in names]
    return changes

"""Freezing what the editor filed: each filing makes a new numbered revision."""

from django.db.models import Max

from ..models import Answer, Dossier, Evidence, Revision, RevisionAnswer
from .applicability import service_orientation

ORIENTATION_FIELDS = (
    "targets_users",
    "purposes",
    "uses_ai",
    "stores_health_data",
    "has_professional_users",
    "publishes_health_content",
)


def latest_revision_number(dossier: Dossier) -> int:
    return dossier.revisions.aggregate(n=Max("number"))["n"] or 0


def revision_freeze(*, dossier: Dossier, actor, transition: str) -> Revision:
    """Copy the draft answers and the ids of their current evidence into a new revision.

    Called inside the transition's transaction, with the dossier row locked."""
    number = latest_revision_number(dossier) + 1
    orientation = service_orientation(dossier.service)
    revision = Revision.objects.create(
        dossier=dossier,
        number=number,
        transition=transition,
        orientation={f: getattr(orientation, f) for f in ORIENTATION_FIELDS} if orientation else {},
        created_by=actor,
    )
    files: dict[int, list[int]] = {}
    for requirement_id, evidence_id in Evidence.objects.filter(
        dossier=dossier, removed_at__isnull=True
    ).values_list("requirement_id", "pk"):
        files.setdefault(requirement_id, []).append(evidence_id)
    RevisionAnswer.objects.bulk_create(
        RevisionAnswer(
            revision=revision,
            requirement_id=answer.requirement_id,
            status=answer.status,
            justification=answer.justification,
            free_text=answer.free_text,
            evidence_ids=files.get(answer.requirement_id, []),
        )
        for answer in Answer.objects.filter(dossier=dossier)
    )
    return revision

"""What the editor writes: the orientation of a service, the answer to each requirement, and the
frozen revisions made at each filing (the evidence files are in `documents`)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..enums import AnswerStatus
from .append_only import AppendOnlyModel
from .referential import Requirement


class Orientation(models.Model):
    """The orientation questionnaire: eligibility, and the variables that select requirements."""

    service = models.OneToOneField(
        "applications.Service", on_delete=models.CASCADE, related_name="orientation"
    )
    targets_users = models.BooleanField(
        _("Le service s'adresse-t-il aux usagers (patients, citoyens, aidants) ?"), null=True
    )
    purposes = models.JSONField(_("finalités"), default=list, blank=True)
    uses_ai = models.BooleanField(_("utilise de l'intelligence artificielle"), default=False)
    stores_health_data = models.BooleanField(_("héberge des données de santé"), default=False)
    has_professional_users = models.BooleanField(
        _("a des utilisateurs professionnels de santé"), default=False
    )
    publishes_health_content = models.BooleanField(_("publie des contenus de santé"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire d'orientation")
        verbose_name_plural = _("questionnaires d'orientation")

    def __str__(self):
        return f"Orientation — {self.service}"


class CarriedOver(models.TextChoices):
    """Why a renewal's answer, copied from the renewed dossier, waits for the editor's
    confirmation (applications/domain/renewal.py); blank: confirmed, or never copied."""

    UNCHANGED = "unchanged", _("Reprise de la version précédente — à confirmer")
    CHANGED = "changed", _("Exigence modifiée — vérifiez votre réponse")


class Answer(models.Model):
    """The editor's working answer to one requirement of a dossier (the current draft)."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="answers"
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("réponse"), max_length=20, choices=AnswerStatus.choices, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    free_text = models.TextField(_("commentaire libre"), blank=True)
    version = models.PositiveIntegerField(default=0)
    #: Copied by a renewal and not yet confirmed (cleared by a confirmation or an edit).
    carried_over = models.CharField(
        _("reprise"), max_length=10, choices=CarriedOver.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "requirement"], name="one_answer_per_requirement"
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.requirement_id} {self.status}"


def evidence_path(instance, filename):
    """Where migration 0002 stored evidence files; documents are stored by
    `documents.document_path`, in the same place."""
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}/{filename}"


class Revision(AppendOnlyModel):
    """The answers and evidence as filed at one submission; never overwritten."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("révision"))
    transition = models.CharField(max_length=40)
    orientation = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("révision")
        verbose_name_plural = _("révisions")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"{self.dossier_id} r{self.number}"


class RevisionAnswer(AppendOnlyModel):
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AnswerStatus.choices, blank=True)
    justification = models.TextField(blank=True)
    free_text = models.TextField(blank=True)
    evidence_ids = models.JSONField(default=list)

    class Meta(AppendOnlyModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "requirement"], name="unique_revision_answer"
            )
        ]

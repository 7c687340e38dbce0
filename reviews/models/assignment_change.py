"""What instructors change on an active assignment, and why: the expert replaced, or the due date
moved (reviews/domain/assignments.py). One row per change, never changed nor deleted; the
assignments' own history (django-simple-history) records the same change field by field."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import Domain
from applications.models.append_only import AppendOnlyModel

from .assignment import Assignment


class AssignmentChangeKind(models.TextChoices):
    EXPERT = "expert", _("Expert remplacé")
    DUE_DATE = "due_date", _("Date de rendu modifiée")


class AssignmentChange(AppendOnlyModel):
    """An instructor's change to an assignment. For a new expert, `assignment` is the one
    released and `replacement` the one created for the new expert."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="changes")
    replacement = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="assignment_changes"
    )
    domain = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)
    kind = models.CharField(_("modification"), max_length=10, choices=AssignmentChangeKind.choices)
    previous_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expert précédent"),
    )
    new_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nouvel expert"),
    )
    previous_due_on = models.DateField(_("date de rendu précédente"), null=True, blank=True)
    new_due_on = models.DateField(_("nouvelle date de rendu"), null=True, blank=True)
    reason = models.TextField(_("motif"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("modification d'une affectation")
        verbose_name_plural = _("modifications des affectations")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="assignment_change_dossier_idx")]

    def __str__(self):
        return f"{self.dossier_id} {self.domain} {self.kind} {self.at:%Y-%m-%d}"

    @property
    def is_new_expert(self) -> bool:
        return self.kind == AssignmentChangeKind.EXPERT

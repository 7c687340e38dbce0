"""Experts assigned per domain, and the conflicts of interest they declare."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.enums import Domain


class ConflictStatus(models.TextChoices):
    PENDING = "pending", _("Déclaration attendue")
    NONE = "none", _("Absence de conflit déclarée")
    CONFLICT = "conflict", _("Conflit d'intérêts déclaré")


class AssignmentQuerySet(models.QuerySet):
    """What an assignment opens is defined here once (reviews/rules.py says what it means):
    *active* while not released; *cleared* when active and its expert declared no conflict."""

    def active(self):
        return self.filter(released_at__isnull=True)

    def cleared(self):
        return self.active().filter(conflict_status=ConflictStatus.NONE)

    def awaiting_declaration(self):
        return self.active().filter(conflict_status=ConflictStatus.PENDING)

    def open_to_expert(self):
        """Cleared or awaiting the declaration: never a released one."""
        return self.active().filter(
            conflict_status__in=(ConflictStatus.NONE, ConflictStatus.PENDING)
        )


class Assignment(models.Model):
    """An expert assigned to evaluate one domain of a dossier.

    The expert sees nothing of the dossier before declaring the absence of conflict of interest;
    declaring a conflict releases the assignment (kept for the record) and alerts the instructor.
    """

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    domain = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)
    assigned_at = models.DateTimeField(_("affecté le"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("à rendre le"), null=True, blank=True)
    conflict_status = models.CharField(
        _("conflit d'intérêts"),
        max_length=10,
        choices=ConflictStatus.choices,
        default=ConflictStatus.PENDING,
    )
    declared_at = models.DateTimeField(_("déclaré le"), null=True, blank=True)
    released_at = models.DateTimeField(_("libérée le"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "domain"],
                condition=models.Q(released_at__isnull=True),
                name="one_active_expert_per_domain",
            )
        ]
        indexes = [
            models.Index(fields=["expert", "released_at"]),
            # "Mes évaluations" (reviews/domain/queues.py, `expert_queue`): the expert's open
            # assignments (`open_to_expert`), soonest due first, read in index order and stopped
            # after one page. PostgreSQL sorts NULLs last in ascending order, as the queue does.
            models.Index(
                fields=["expert", "due_on", "assigned_at", "id"],
                condition=models.Q(
                    released_at__isnull=True,
                    conflict_status__in=[ConflictStatus.NONE, ConflictStatus.PENDING],
                ),
                name="assignment_expert_queue_idx",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} — {self.get_domain_display()} — {self.expert}"

    @property
    def awaits_declaration(self) -> bool:
        """Still active, and the expert has not said yet whether they have a conflict."""
        return self.released_at is None and self.conflict_status == ConflictStatus.PENDING

    @property
    def cleared(self) -> bool:
        """The expert declared no conflict: the dossier's content is open to them."""
        return self.released_at is None and self.conflict_status == ConflictStatus.NONE


class ExpertConflict(models.Model):
    """A conflict of interest declared by an expert: never offered that organisation's dossiers."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="expert_conflicts"
    )
    details = models.TextField(_("nature du conflit"))
    declared_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflit d'intérêts")
        verbose_name_plural = _("conflits d'intérêts")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "organisation"], name="one_conflict_per_expert_organisation"
            )
        ]

    def __str__(self):
        return f"{self.expert} ⟂ {self.organisation}"

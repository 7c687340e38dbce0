"""The experts' work: a verdict per requirement, complement requests, the signed evaluation of
each domain, and the consolidated report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.enums import Domain


class VerdictChoice(models.TextChoices):
    COMPLIANT = "compliant", _("Conforme")
    PARTIAL = "partial", _("Partiellement conforme")
    NON_COMPLIANT = "non_compliant", _("Non conforme")
    NOT_APPLICABLE = "not_applicable", _("Non applicable")


class Conclusion(models.TextChoices):
    FAVORABLE = "favorable", _("Favorable")
    RESERVED = "reserved", _("Réservé")
    UNFAVORABLE = "unfavorable", _("Défavorable")


class Verdict(models.Model):
    """An expert's verdict on one requirement, and the revision it was given on."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="verdicts"
    )
    requirement = models.ForeignKey(
        "applications.Requirement", on_delete=models.PROTECT, related_name="+"
    )
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("avis"), max_length=20, choices=VerdictChoice.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    revision_number = models.PositiveIntegerField(_("révision évaluée"))
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avis sur une exigence")
        verbose_name_plural = _("avis sur les exigences")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "requirement"], name="one_verdict_per_requirement"
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.requirement_id} {self.verdict}"


class ComplementRequestQuerySet(models.QuerySet):
    def open(self):
        """Not answered yet (on a dossier's: `dossier.complement_requests.open()`)."""
        return self.filter(answered_at__isnull=True)

    def requested_requirement_ids(self) -> set[int]:
        """The requirements the open request (at most one) asks about: the editor may change
        only those."""
        return set(
            ComplementItem.objects.filter(request__in=self.open()).values_list(
                "requirement_id", flat=True
            )
        )


class ComplementRequest(models.Model):
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="complement_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    revision_number = models.PositiveIntegerField(_("révision concernée"))
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ComplementRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Compléments {self.dossier_id} ({self.requested_at:%d/%m/%Y})"


class ComplementItem(models.Model):
    request = models.ForeignKey(ComplementRequest, on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(
        "applications.Requirement", on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "requirement"], name="one_question_per_requirement"
            )
        ]

    def __str__(self):
        return f"{self.request_id} {self.requirement_id}"


class DomainEvaluation(models.Model):
    """The expert's signed evaluation of one domain: read-only once signed."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="domain_evaluations"
    )
    domain = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Conclusion.choices)
    synthesis = models.TextField(_("synthèse"))
    signed_at = models.DateTimeField(_("signée le"), auto_now_add=True)
    revision_number = models.PositiveIntegerField(_("révision évaluée"))

    class Meta:
        verbose_name = _("évaluation signée")
        verbose_name_plural = _("évaluations signées")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "domain"], name="one_evaluation_per_domain")
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.domain} {self.conclusion}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Une évaluation signée ne peut plus être modifiée.")
        super().save(*args, **kwargs)


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("En cours de génération")
    READY = "ready", _("Disponible")
    FAILED = "failed", _("Échec de génération")


class EvaluationReport(models.Model):
    """The consolidated report's PDF, a durable job (`reviews.domain.report.REPORT_PDF`)."""

    dossier = models.OneToOneField(
        "applications.Dossier", on_delete=models.CASCADE, related_name="evaluation_report"
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    pdf = models.FileField(upload_to="rapports/", blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("dernière erreur de génération"), blank=True)
    started_at = models.DateTimeField(
        _("dernière tentative de génération commencée le"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Rapport {self.dossier_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ReportStatus.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == ReportStatus.FAILED

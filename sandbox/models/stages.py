"""The technical test stages of a data-exchange dossier and what proves them.

- `TestStage`: one row per (dossier, stage) — unit tests before filing, end-to-end tests from
  the test book during evaluation, raccordement (connection) tests before publication. Its
  `status` is what the instruction decided (or the editor's request waiting for it); the
  end-to-end stage's progress is also read from the recorded calls (sandbox/domain/stages.py).
- `StageEvidence`: a file the editor uploaded for a stage, checked on its content as every
  evidence file is (applications/evidence_files.py), stored privately, never changed.
- `TestBookReport`: the PDF of a dossier's test book, a row that owes a file (portal/jobs.py):
  rendered once by a Celery task (sandbox/tasks.py), kept with its SHA-256.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import ReportStatus, StageKind, StageStatus


class TestStage(models.Model):
    __test__ = False  # not a test class, whatever pytest thinks of its name

    dossier = models.ForeignKey(
        "applications.Dossier",
        on_delete=models.PROTECT,
        related_name="test_stages",
        verbose_name=_("dossier"),
    )
    kind = models.CharField(_("étape"), max_length=16, choices=StageKind.choices)
    status = models.CharField(
        _("statut"), max_length=16, choices=StageStatus.choices, default=StageStatus.TODO
    )
    #: The editor asked the instruction to validate the stage (cleared by the decision).
    requested_at = models.DateTimeField(_("validation demandée le"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validation demandée par"),
    )
    request_comment = models.TextField(_("commentaire de l’éditeur"), blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    #: The instructor's comment: the reason of a rejection (required then).
    decision_comment = models.TextField(_("commentaire de l’instruction"), blank=True)
    #: The guide versions of the validation library when the stage was passed.
    guide_versions = models.JSONField(_("versions des guides"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("étape de tests")
        verbose_name_plural = _("étapes de tests")
        ordering = ["dossier", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="sandbox_one_stage_per_kind")
        ]

    def __str__(self):
        return f"{self.dossier_id} — {self.get_kind_display()} — {self.get_status_display()}"

    @property
    def is_passed(self) -> bool:
        return self.status == StageStatus.PASSED


def stage_evidence_path(instance, filename):
    return f"sandbox/stages/{instance.stage_id}/{uuid.uuid4().hex}/{filename}"


class StageEvidence(models.Model):
    stage = models.ForeignKey(
        TestStage, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("étape")
    )
    file = models.FileField(upload_to=stage_evidence_path, max_length=300)
    name = models.CharField(_("nom du fichier"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pièce d’une étape de tests")
        verbose_name_plural = _("pièces des étapes de tests")
        ordering = ["stage", "uploaded_at", "pk"]

    def __str__(self):
        return self.name


def report_path(instance, filename):
    return f"sandbox/reports/{instance.dossier_id}/{filename}"


class TestBookReport(models.Model):
    """One rendering of a dossier's test book, as it stood when it was asked for."""

    __test__ = False

    dossier = models.ForeignKey(
        "applications.Dossier",
        on_delete=models.PROTECT,
        related_name="test_book_reports",
        verbose_name=_("dossier"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    status = models.CharField(
        _("état du rapport"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=report_path, max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapport du cahier de tests")
        verbose_name_plural = _("rapports du cahier de tests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="sandbox_report_status_idx")]

    def __str__(self):
        return f"{self.dossier_id} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def file_name(self) -> str:
        return f"cahier-de-tests-{self.pk}.pdf"

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.pdf)

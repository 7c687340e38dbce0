"""The referential of requirements: versioned data loaded from YAML, never edited by hand.

A version that a submitted dossier is pinned to is frozen: it can only be superseded."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Domain


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    SCREENSHOT = "screenshot", _("Capture d'écran")
    ATTESTATION = "attestation", _("Attestation")
    TEST_REPORT = "test_report", _("Rapport de test ou d'audit")
    POLICY = "policy", _("Politique ou procédure")
    CONTRACT = "contract", _("Contrat")


class ReferentialVersion(models.Model):
    code = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("intitulé"), max_length=200)
    published_on = models.DateField(_("publiée le"))
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("chargée le"), auto_now=True)

    class Meta:
        verbose_name = _("version du référentiel")
        verbose_name_plural = _("versions du référentiel")
        ordering = ["-published_on", "-code"]

    def __str__(self):
        return self.title

    @property
    def is_pinned(self) -> bool:
        return self.dossiers.filter(submitted_at__isnull=False).exists()


class ReferentialDomain(models.Model):
    version = models.ForeignKey(
        ReferentialVersion, on_delete=models.CASCADE, related_name="domains"
    )
    code = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    applies_if = models.CharField(_("condition d'application"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_domain_per_version")
        ]

    def __str__(self):
        return self.title


class ReferentialSection(models.Model):
    domain = models.ForeignKey(ReferentialDomain, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("intitulé"), max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["domain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="unique_section_per_domain")
        ]

    def __str__(self):
        return self.title


class Requirement(models.Model):
    version = models.ForeignKey(
        ReferentialVersion, on_delete=models.CASCADE, related_name="requirements"
    )
    section = models.ForeignKey(
        ReferentialSection, on_delete=models.CASCADE, related_name="requirements"
    )
    domain = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("intitulé"), max_length=200)
    statement = models.TextField(_("exigence"))
    guidance = models.TextField(_("conseils à l'éditeur"), blank=True)
    evidence_required = models.BooleanField(_("preuve exigée"), default=True)
    evidence_kinds = models.JSONField(_("types de preuve"), default=list)
    evidence_description = models.TextField(_("preuve attendue"), blank=True)
    mandatory = models.BooleanField(_("obligatoire"), default=True)
    blocking = models.BooleanField(_("bloquante"), default=False)
    applies_if = models.CharField(_("condition d'application"), max_length=300, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("exigence")
        verbose_name_plural = _("exigences")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_requirement_code"),
            models.CheckConstraint(
                condition=models.Q(blocking=False) | models.Q(mandatory=True),
                name="blocking_requirement_is_mandatory",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    #: Fields compared when two versions are diffed.
    COMPARED_FIELDS = (
        "title",
        "statement",
        "guidance",
        "evidence_required",
        "evidence_kinds",
        "evidence_description",
        "mandatory",
        "blocking",
        "applies_if",
        "domain",
    )

"""The convention de référencement: drawn up after a `referenced` decision, accepted (signed) by
the editor's legal representative, countersigned by the administration.

A convention is written by `conventions.domain.services.convention_draw_up` with a snapshot of
everything its document states (parties, service, decision, duration, data categories), so the
document keeps saying what was agreed whatever happens later to the dossier, the service or the
organisation. Its unsigned PDF is rendered once by a durable job (`CONVENTION_PDF`); each
signature is a PAdES signature added incrementally to the PDF (`portal.signing`), stored as a
file of its own with its SHA-256, so that the unsigned document, the one the editor signed and
the one both parties signed are all kept.

Every saved state is kept by django-simple-history. Once signed by both parties a convention is
immutable: `save`, `update` and `delete` refuse. No convention is ever deleted: one whose
decision was rectified before it was signed is *superseded* (`superseded_at`), and the dossier
then has a new one; at most one convention per dossier is not superseded.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import ConventionStatus, PdfStatus


class ConventionImmutable(Exception):
    """Something tried to change a convention signed by both parties, or delete a convention."""


IMMUTABLE_MESSAGE = (
    "Une convention signée par les deux parties ne peut être ni modifiée ni effacée."
)
UNDELETABLE_MESSAGE = "Une convention n'est jamais effacée : elle peut seulement être remplacée."


class ConventionQuerySet(models.QuerySet):
    def current(self):
        """The conventions that are not superseded (at most one per dossier)."""
        return self.filter(superseded_at__isnull=True)

    def update(self, **kwargs):
        if self.filter(signed_at__isnull=False).exists():
            raise ConventionImmutable(IMMUTABLE_MESSAGE)
        return super().update(**kwargs)

    def delete(self):
        raise ConventionImmutable(UNDELETABLE_MESSAGE)


def referencing_end(signed_at, years: int) -> date:
    """The last day of a referencing whose convention was signed by both parties at
    `signed_at`, for `years`: the day before its anniversary (Paris time). One rule for the
    convention, the catalogue's « référencé jusqu'au » and the expiry task."""
    start = timezone.localdate(signed_at)
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # signed on 29 February: the anniversary is 1 March
        anniversary = date(start.year + years, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def convention_file_path(convention: "Convention", filename: str) -> str:
    """Private storage path of a convention's documents: one folder per year of drawing up."""
    return f"conventions/{convention.drawn_up_at.year}/{filename}"


class Convention(models.Model):
    dossier = models.ForeignKey(
        "applications.Dossier",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name=_("dossier"),
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name=_("décision de référencement"),
    )
    number = models.CharField(_("numéro"), max_length=24, unique=True)

    # -- snapshot of what the document states, taken when it is drawn up -----------------------
    dossier_reference = models.CharField(_("référence du dossier"), max_length=20)
    service_name = models.CharField(_("service"), max_length=200)
    organisation_name = models.CharField(_("éditeur"), max_length=200)
    organisation_siren = models.CharField(_("SIREN de l'éditeur"), max_length=9)
    organisation_address = models.CharField(_("adresse de l'éditeur"), max_length=400)
    administration_name = models.CharField(_("administration"), max_length=200)
    decision_number = models.CharField(_("numéro de la décision"), max_length=20)
    decision_decided_at = models.DateTimeField(_("décision prise le"))
    referential_version_code = models.CharField(
        _("version du référentiel"), max_length=20, blank=True
    )
    referential_version_title = models.CharField(
        _("intitulé du référentiel"), max_length=200, blank=True
    )
    duration_years = models.PositiveSmallIntegerField(_("durée du référencement (années)"))
    data_apis = models.JSONField(
        _("API de Mon espace santé ouvertes au service"), default=list, blank=True
    )
    data_categories = models.JSONField(
        _("catégories de données accessibles"), default=list, blank=True
    )
    drawn_up_at = models.DateTimeField(_("établie le"))
    drawn_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("établie par"),
    )

    # -- the unsigned document: attached once by the rendering job ------------------------------
    pdf = models.FileField(
        _("document PDF"), upload_to=convention_file_path, blank=True, max_length=200
    )
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du document"), max_length=64, blank=True)
    pdf_generated_at = models.DateTimeField(_("document produit le"), null=True, blank=True)
    pdf_status = models.CharField(
        _("état du document"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_attempts = models.PositiveSmallIntegerField(_("tentatives de génération"), default=0)
    pdf_last_error = models.TextField(_("dernière erreur de génération"), blank=True)
    pdf_started_at = models.DateTimeField(
        _("dernière tentative de génération commencée le"), null=True, blank=True
    )

    # -- the editor's acceptance ---------------------------------------------------------------
    editor_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("signée pour l'éditeur par (compte)"),
    )
    editor_signatory_name = models.CharField(
        _("signataire pour l'éditeur"), max_length=300, blank=True
    )
    editor_signatory_title = models.CharField(
        _("qualité du signataire pour l'éditeur"), max_length=200, blank=True
    )
    editor_statement = models.TextField(_("déclaration de l'éditeur"), blank=True)
    editor_signed_at = models.DateTimeField(_("signée par l'éditeur le"), null=True, blank=True)
    editor_seen_sha256 = models.CharField(
        _("empreinte SHA-256 du document accepté par l'éditeur"), max_length=64, blank=True
    )
    editor_signed_pdf = models.FileField(
        _("document signé par l'éditeur"),
        upload_to=convention_file_path,
        blank=True,
        max_length=200,
    )
    editor_signed_sha256 = models.CharField(
        _("empreinte SHA-256 du document signé par l'éditeur"), max_length=64, blank=True
    )

    # -- the administration's countersignature -------------------------------------------------
    admin_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("contresignée pour l'administration par (compte)"),
    )
    admin_signatory_name = models.CharField(
        _("signataire pour l'administration"), max_length=300, blank=True
    )
    admin_signatory_title = models.CharField(
        _("qualité du signataire pour l'administration"), max_length=200, blank=True
    )
    admin_statement = models.TextField(_("déclaration de l'administration"), blank=True)
    admin_signed_at = models.DateTimeField(
        _("contresignée par l'administration le"), null=True, blank=True
    )
    admin_seen_sha256 = models.CharField(
        _("empreinte SHA-256 du document contresigné"), max_length=64, blank=True
    )
    admin_signed_pdf = models.FileField(
        _("document signé par les deux parties"),
        upload_to=convention_file_path,
        blank=True,
        max_length=200,
    )
    admin_signed_sha256 = models.CharField(
        _("empreinte SHA-256 du document signé par les deux parties"), max_length=64, blank=True
    )

    signed_at = models.DateTimeField(_("signée par les deux parties le"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("remplacée le"), null=True, blank=True)

    objects = ConventionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention de référencement")
        verbose_name_plural = _("conventions de référencement")
        ordering = ["-drawn_up_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_convention_per_dossier",
            ),
            models.UniqueConstraint(fields=["decision"], name="one_convention_per_decision"),
            models.CheckConstraint(
                condition=Q(admin_signed_at__isnull=True) | Q(editor_signed_at__isnull=False),
                name="convention_countersigned_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True)
                | Q(editor_signed_at__isnull=False, admin_signed_at__isnull=False),
                name="convention_signed_by_both",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(superseded_at__isnull=True),
                name="signed_convention_never_superseded",
            ),
        ]
        indexes = [models.Index(fields=["pdf_status", "drawn_up_at"])]

    def __str__(self):
        return f"{self.number} — {self.service_name}"

    def save(self, *args, **kwargs):
        """Refused once the row in the database is signed by both parties."""
        if (
            not self._state.adding
            and type(self)._default_manager.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise ConventionImmutable(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise ConventionImmutable(UNDELETABLE_MESSAGE)

    delete.alters_data = True

    # -- what the pages ask (never a string compared in a template) ----------------------------
    @property
    def status(self) -> ConventionStatus:
        if self.superseded_at:
            return ConventionStatus.SUPERSEDED
        if self.signed_at:
            return ConventionStatus.SIGNED
        if self.editor_signed_at:
            return ConventionStatus.AWAITING_ADMINISTRATION
        if self.pdf_ready:
            return ConventionStatus.AWAITING_EDITOR
        if self.pdf_status == PdfStatus.FAILED:
            return ConventionStatus.PDF_FAILED
        return ConventionStatus.DRAWING_UP

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def status_tone(self) -> str:
        return self.status.tone

    @property
    def pdf_pending(self) -> bool:
        return self.pdf_status == PdfStatus.PENDING

    @property
    def pdf_failed(self) -> bool:
        return self.pdf_status == PdfStatus.FAILED

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_status == PdfStatus.READY and bool(self.pdf)

    @property
    def is_accepted(self) -> bool:
        return self.editor_signed_at is not None

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def awaits_editor(self) -> bool:
        return self.status == ConventionStatus.AWAITING_EDITOR

    @property
    def awaits_administration(self) -> bool:
        return self.status == ConventionStatus.AWAITING_ADMINISTRATION

    @property
    def current_file(self):
        """The latest document: signed by both, else by the editor, else unsigned (or None)."""
        if self.admin_signed_pdf:
            return self.admin_signed_pdf
        if self.editor_signed_pdf:
            return self.editor_signed_pdf
        return self.pdf if self.pdf_ready else None

    @property
    def current_sha256(self) -> str:
        if self.admin_signed_pdf:
            return self.admin_signed_sha256
        if self.editor_signed_pdf:
            return self.editor_signed_sha256
        return self.pdf_sha256 if self.pdf_ready else ""

    @property
    def download_filename(self) -> str:
        if self.admin_signed_pdf:
            return f"convention-{self.number}-signee.pdf"
        if self.editor_signed_pdf:
            return f"convention-{self.number}-signee-editeur.pdf"
        return f"convention-{self.number}.pdf"

    @property
    def pdf_filename(self) -> str:
        """The unsigned document's file name (stable: the same at every rendering attempt)."""
        return f"convention-{self.number}.pdf"

    @property
    def editor_signed_filename(self) -> str:
        return f"convention-{self.number}-signee-editeur.pdf"

    @property
    def admin_signed_filename(self) -> str:
        return f"convention-{self.number}-signee.pdf"

    @property
    def referencing_ends_on(self) -> date | None:
        """The referencing's last day (`referencing_end`); None until both parties signed."""
        if self.signed_at is None:
            return None
        return referencing_end(self.signed_at, self.duration_years)

    @property
    def has_data_exchange(self) -> bool:
        return bool(self.data_categories)

"""The ministry's decisions: numbered per year, signed once, never changed.

A decision is written in the transaction of the dossier's `decide` transition
(`decisions.domain.services.decision_record`) with a snapshot of everything its PDF states, so the
document keeps saying what was decided whatever happens later to the dossier, the service, the
organisation or the signatory. Its signed content is immutable; the PDF is attached once, by the
Celery task. A correction is a new decision that `corrects` the previous one.

Every decision has a `kind` (`decisions.enums.DecisionKind`): the ministry's referencing
decision (with its `outcome`), or a measure on a published service — a suspension (what the
editor must fix and by when), a reinstatement (how it was fixed, and the suspension it ends), a
de-referencing (final). They share the yearly number, the immutability and the PDF job
(`decisions/domain/measures.py` records the measures). The database checks that each kind has
what it needs (`Meta.constraints`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import DecisionOutcome, Opinion

from .enums import DecisionKind


class DecisionImmutable(Exception):
    """Something tried to change or delete a signed decision."""


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Document en cours de génération")
    READY = "ready", _("Document disponible")
    FAILED = "failed", _("Échec de la génération du document")


#: What may change on a signed decision: the progress of its PDF's rendering (`portal.jobs`),
#: nothing else.
PROGRESS_FIELDS = frozenset({"pdf_status", "pdf_attempts", "pdf_last_error", "pdf_started_at"})
IMMUTABLE_MESSAGE = "Une décision signée ne peut être ni modifiée ni effacée."


class DecisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) - PROGRESS_FIELDS:
            raise DecisionImmutable(IMMUTABLE_MESSAGE)
        return super().update(**kwargs)

    def attach_pdf(self, *, pk: int, name: str, sha256: str, generated_at) -> bool:
        """Attach the PDF to decision `pk` unless it already has one (then return False)."""
        unset = self.filter(pk=pk, pdf="")
        return bool(
            models.QuerySet.update(
                unset,
                pdf=name,
                pdf_sha256=sha256,
                pdf_generated_at=generated_at,
                pdf_status=PdfStatus.READY,
                pdf_last_error="",
            )
        )

    def delete(self):
        raise DecisionImmutable(IMMUTABLE_MESSAGE)


def decision_pdf_path(decision: "Decision", filename: str) -> str:
    """Private storage path of a decision's PDF: one folder per year of decision."""
    return f"decisions/{decision.year}/{filename}"


class DecisionCounter(models.Model):
    """The last sequence number given in a year; its row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("année"), primary_key=True)
    last = models.PositiveIntegerField(_("dernier numéro attribué"), default=0)

    class Meta:
        verbose_name = _("compteur des décisions")
        verbose_name_plural = _("compteurs des décisions")

    def __str__(self):
        return f"{self.year} : {self.last}"


class Decision(models.Model):
    dossier = models.ForeignKey(
        "applications.Dossier",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("dossier"),
    )
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("rang dans l'année"))
    kind = models.CharField(
        _("nature de la décision"),
        max_length=16,
        choices=DecisionKind.choices,
        default=DecisionKind.REFERENCING,
    )
    # The referencing decision's outcome; empty for a measure (its kind says what it decides).
    outcome = models.CharField(
        _("décision"), max_length=16, choices=DecisionOutcome.choices, blank=True
    )
    motives = models.TextField(_("motifs"), blank=True)
    public_motive = models.TextField(
        _("motif public"),
        blank=True,
        help_text=_("Ce que l'historique public du service et le flux des évolutions affichent."),
    )
    remedy = models.TextField(_("ce que l'éditeur doit corriger"), blank=True)
    remedy_deadline = models.DateField(_("date limite de correction"), null=True, blank=True)
    remedy_account = models.TextField(_("comment le manquement a été corrigé"), blank=True)
    suspension = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reinstatements",
        verbose_name=_("suspension levée"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rectifie la décision"),
    )
    # Snapshot of what the document states, taken when the decision is signed.
    dossier_reference = models.CharField(_("référence du dossier"), max_length=20)
    opinion = models.CharField(
        _("avis de la commission"), max_length=32, choices=Opinion.choices, blank=True
    )
    opinion_reservations = models.TextField(_("réserves de la commission"), blank=True)
    reservations_lifted = models.BooleanField(_("réserves suspensives levées"), default=False)
    referential_version_code = models.CharField(
        _("version du référentiel"), max_length=20, blank=True
    )
    referential_version_title = models.CharField(
        _("intitulé du référentiel"), max_length=200, blank=True
    )
    service_name = models.CharField(_("service"), max_length=200)
    organisation_name = models.CharField(_("éditeur"), max_length=200)
    organisation_siren = models.CharField(_("SIREN de l'éditeur"), max_length=9)
    signatory_name = models.CharField(_("signataire"), max_length=300)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=200)
    decided_at = models.DateTimeField(_("décidée le"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    # The document: attached once by the rendering task, on the private default storage.
    pdf = models.FileField(
        _("document PDF"), upload_to=decision_pdf_path, blank=True, max_length=200
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

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_decision_sequence"),
            models.CheckConstraint(
                name="decision_kind_has_its_fields",
                condition=(
                    (models.Q(kind=DecisionKind.REFERENCING) & ~models.Q(outcome=""))
                    | (
                        models.Q(kind=DecisionKind.SUSPENSION, outcome="")
                        & ~models.Q(remedy="")
                        & models.Q(remedy_deadline__isnull=False)
                        & ~models.Q(motives="")
                    )
                    | (
                        models.Q(kind=DecisionKind.REINSTATEMENT, outcome="")
                        & ~models.Q(remedy_account="")
                    )
                    | (
                        models.Q(kind=DecisionKind.DEREFERENCING, outcome="")
                        & ~models.Q(motives="")
                    )
                ),
            ),
        ]
        indexes = [models.Index(fields=["pdf_status", "decided_at"])]

    def __str__(self):
        return f"{self.number} — {self.service_name}"

    def save(self, *args, **kwargs):
        """Insert once; afterwards only the rendering's progress may be saved."""
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - PROGRESS_FIELDS:
                raise DecisionImmutable(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise DecisionImmutable(IMMUTABLE_MESSAGE)

    delete.alters_data = True

    @property
    def is_referencing(self) -> bool:
        return self.outcome == DecisionOutcome.REFERENCED

    @property
    def is_measure(self) -> bool:
        return self.kind in DecisionKind.measures()

    @property
    def label(self) -> str:
        """What the decision decides, as its badge reads: the outcome of a referencing
        decision, the kind of a measure."""
        if self.kind == DecisionKind.REFERENCING:
            return self.get_outcome_display()
        return self.get_kind_display()

    @property
    def tone(self) -> str:
        """The DSFR badge variant of `label`."""
        if self.kind == DecisionKind.REFERENCING:
            return "success" if self.is_referencing else "error"
        return {
            DecisionKind.SUSPENSION: "warning",
            DecisionKind.REINSTATEMENT: "info",
            DecisionKind.DEREFERENCING: "error",
        }[self.kind]

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
    def pdf_filename(self) -> str:
        return f"decision-{self.number}.pdf"

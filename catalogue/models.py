"""The public catalogue's data.

- `Card`: one version of the public card an editor proposes for a service; the administration
  approves it or asks for changes. A published card changes only through a new version that is
  reviewed in turn; the approved one stays public meanwhile. Every state is kept
  (django-simple-history).
- `Logo`: a re-encoded image, addressed by its SHA-256 (its URL never changes, so it is cached
  forever).
- `Listing`: what the public sees of a service — written by the publication services only
  (catalogue/domain/publication.py), in the transaction of the dossier's transition. `listed` is
  true exactly while the dossier is `published`; every public page and the API read listed rows.
- `PublicEvent`: the change feed (publication, renewal, update, suspension, reinstatement,
  de-referencing), with its public motive; less the updates, the service's public history.
- `ExpiryReminder`: each step the daily expiry task took for one referencing (a dossier): the
  reminders before the expiry, the upkeep during a renewal, the suspension — one row each, so
  that none is ever taken twice (catalogue/domain/expiry.py).
- `Report`: a problem a member of the public reported on a published service, and its triage by
  the instruction team (catalogue/domain/reports.py); `Control` and its `ControlFinding`s: the
  check of the service that a report may open (catalogue/domain/controls.py). Every saved state
  of both is kept (django-simple-history).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import (
    OPEN_CARD_STATES,
    Accessibility,
    CardState,
    ControlState,
    EventKind,
    ExpiryStep,
    FindingVerdict,
    MesApi,
    PriceModel,
    ReportCategory,
    ReportState,
)

SHORT_DESCRIPTION_MAX = 100


class Logo(models.Model):
    sha256 = models.CharField(max_length=64, primary_key=True)
    content = models.BinaryField(_("image"))
    content_type = models.CharField(max_length=20)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")

    def __str__(self):
        return f"{self.sha256[:12]} ({self.width}×{self.height})"

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}[self.content_type]


class Card(models.Model):
    service = models.ForeignKey(
        "applications.Service", on_delete=models.PROTECT, related_name="cards"
    )
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("état"), max_length=20, choices=CardState.choices, default=CardState.DRAFT
    )
    name = models.CharField(_("nom du service"), max_length=120)
    editor_public_name = models.CharField(_("nom public de l'éditeur"), max_length=120)
    short_description = models.CharField(_("description courte"), max_length=SHORT_DESCRIPTION_MAX)
    long_description = models.TextField(_("description détaillée"))
    logo = models.ForeignKey(
        Logo, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    themes = models.JSONField(_("thématiques"), default=list)
    regions = models.JSONField(_("régions"), default=list)
    #: [{"platform": "ios", "url": "https://apps.apple.com/…"}, …]
    platforms = models.JSONField(_("plateformes"), default=list)
    price_model = models.CharField(
        _("modèle économique"), max_length=20, choices=PriceModel.choices
    )
    accessibility = models.CharField(
        _("conformité au RGAA"), max_length=10, choices=Accessibility.choices
    )
    accessibility_url = models.URLField(_("déclaration d'accessibilité"), blank=True)
    #: The Mon espace santé APIs the service exchanges data through (MesApi values).
    data_exchange = models.JSONField(_("données échangées avec Mon espace santé"), default=list)
    review_comment = models.TextField(_("commentaire de relecture"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fiche du catalogue")
        verbose_name_plural = _("fiches du catalogue")
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="card_version_unique"),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(state__in=OPEN_CARD_STATES),
                name="card_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(state=CardState.APPROVED),
                name="card_one_approved_version",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="card_review_queue")]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class ListingQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(listed=True)


class Listing(models.Model):
    service = models.OneToOneField(
        "applications.Service", on_delete=models.PROTECT, related_name="listing"
    )
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="listings"
    )
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(_("adresse"), max_length=140, unique=True)
    listed = models.BooleanField(_("visible au catalogue"), default=False)
    sort_name = models.CharField(max_length=120)
    referenced_on = models.DateField(_("référencé le"))
    referential_version = models.CharField(_("version du référentiel"), max_length=20)
    #: The referencing's last day (its convention's: `Convention.referencing_ends_on`).
    renewal_due = models.DateField(_("référencé jusqu'au"), null=True, blank=True)
    #: Past `renewal_due`, while a renewal is examined: the last day the service stays listed
    #: (written by the expiry task; cleared at each publication).
    grace_until = models.DateField(_("maintenu au catalogue jusqu'au"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("publié le"))
    updated_at = models.DateTimeField(_("mis à jour le"))
    #: "|region:BRE|theme:nutrition|…|": the filters, matched with `contains` on every database.
    facet_keys = models.TextField(default="|")
    #: Lower-case, accent-free text of the card (the search on SQLite).
    search_text = models.TextField(default="")
    #: PostgreSQL: the card's text under the `french_unaccent` configuration (GIN index).
    search_vector = SearchVectorField(null=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("service au catalogue")
        verbose_name_plural = _("services au catalogue")
        indexes = [
            models.Index(fields=["listed", "sort_name"], name="listing_by_name"),
            models.Index(fields=["listed", "-referenced_on"], name="listing_by_date"),
            models.Index(fields=["listed", "renewal_due"], name="listing_by_expiry"),
        ]

    def __str__(self):
        return self.slug


class PublicEvent(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("événement"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("date"))
    #: The public motive (suspension, de-referencing), or a plain statement.
    motive = models.TextField(_("motif public"), blank=True)
    service_name = models.CharField(_("service"), max_length=120)
    editor_name = models.CharField(_("éditeur"), max_length=120)
    decision_number = models.CharField(_("décision"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("événement public")
        verbose_name_plural = _("événements publics")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["-occurred_at", "-id"], name="public_event_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.service_name}"


class ExpiryReminder(models.Model):
    """One step of the expiry of a referencing (the published dossier), taken once: a reminder
    `months_before` the expiry (sent, or skipped when a nearer one was due), the upkeep of the
    service during its renewal, or its suspension (`months_before` 0)."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="expiry_steps")
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="expiry_steps"
    )
    step = models.CharField(_("étape"), max_length=12, choices=ExpiryStep.choices)
    months_before = models.PositiveSmallIntegerField(_("mois avant l'échéance"), default=0)
    expires_on = models.DateField(_("échéance"))
    skipped = models.BooleanField(_("sans envoi"), default=False)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("étape de l'échéance")
        verbose_name_plural = _("étapes de l'échéance")
        ordering = ["dossier", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "step", "months_before"], name="expiry_step_once"
            )
        ]

    def __str__(self):
        return f"{self.get_step_display()} ({self.months_before}) — {self.dossier_id}"


class Report(models.Model):
    """A problem reported from a service's public page. The reporter's address (REMOTE_ADDR, or
    the one the trusted proxies give) is never stored: only a keyed hash of it and the day,
    which changes every day, for the per-address limit."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="reports")
    #: The dossier published when the report was made.
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("catégorie"), max_length=20, choices=ReportCategory.choices)
    description = models.TextField(_("description"))
    email = models.EmailField(_("adresse électronique"), blank=True)
    address_hash = models.CharField(max_length=64, editable=False)
    created_on = models.DateField(_("jour"))
    created_at = models.DateTimeField(_("reçu le"))
    state = models.CharField(
        _("état"), max_length=20, choices=ReportState.choices, default=ReportState.NEW
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    unfounded_reason = models.TextField(_("motif du classement"), blank=True)
    editor_question = models.TextField(_("question posée à l'éditeur"), blank=True)
    sent_to_editor_at = models.DateTimeField(_("transmis à l'éditeur le"), null=True, blank=True)
    answer_due_on = models.DateField(_("réponse attendue au plus tard le"), null=True, blank=True)
    editor_answer = models.TextField(_("réponse de l'éditeur"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("réponse reçue le"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["address_hash"])

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="report_by_state"),
            models.Index(fields=["address_hash", "created_on"], name="report_by_address"),
            models.Index(fields=["listing", "created_on"], name="report_by_service_day"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} — {self.listing_id} ({self.created_on})"

    @property
    def state_tone(self) -> str:
        return ReportState(self.state).tone

    @property
    def is_overdue(self) -> bool:
        """The editor's answer is late (Paris day)."""
        return (
            self.state == ReportState.AWAITING_EDITOR
            and self.answer_due_on is not None
            and self.answer_due_on < timezone.localdate()
        )


class Control(models.Model):
    """The check of a published service, opened from a report: findings per requirement, then
    a conclusion that may propose a suspension (recorded for the ministry and the
    administration; the suspension itself is the dossier's `suspend`)."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="controls"
    )
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="controls")
    report = models.OneToOneField(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="control"
    )
    state = models.CharField(
        _("état"), max_length=12, choices=ControlState.choices, default=ControlState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("ouvert le"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    proposes_suspension = models.BooleanField(_("propose la suspension du service"), default=False)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(_("conclu le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contrôle")
        verbose_name_plural = _("contrôles")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{_('Contrôle')} {self.pk} — {self.dossier_id}"

    @property
    def is_open(self) -> bool:
        return self.state == ControlState.OPEN


class ControlFinding(models.Model):
    """What a control found on one requirement of the dossier's referential."""

    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="findings")
    requirement = models.ForeignKey(
        "applications.Requirement", on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("constat"), max_length=16, choices=FindingVerdict.choices)
    text = models.TextField(_("constat détaillé"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("noté le"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("constat de contrôle")
        verbose_name_plural = _("constats de contrôle")
        ordering = ["control", "requirement__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["control", "requirement"], name="control_finding_per_requirement"
            )
        ]

    def __str__(self):
        return f"{self.control_id} — {self.requirement_id} : {self.get_verdict_display()}"


class ExchangeProof(models.Model):
    """That one data flow of a service (an API of Mon espace santé) passed one technical test
    stage of its dossier, on a given version of the API's guide: written by the sandbox when
    the instruction validates the stage (`catalogue.domain.exchange_proofs`), shown by the
    service's public page and the API. `stage` is the sandbox's code (unit, end_to_end,
    connection)."""

    class Stage(models.TextChoices):
        UNIT = "unit", _("Tests unitaires")
        END_TO_END = "end_to_end", _("Tests de bout en bout")
        CONNECTION = "connection", _("Tests de raccordement")

    service = models.ForeignKey(
        "applications.Service", on_delete=models.PROTECT, related_name="exchange_proofs"
    )
    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="exchange_proofs"
    )
    api = models.CharField(_("flux"), max_length=16, choices=MesApi.choices)
    stage = models.CharField(_("étape"), max_length=16, choices=Stage.choices)
    guide = models.CharField(_("guide"), max_length=60)
    guide_version = models.CharField(_("version du guide"), max_length=20)
    passed_at = models.DateTimeField(_("réussi le"))

    class Meta:
        verbose_name = _("preuve d’échange de données")
        verbose_name_plural = _("preuves d’échange de données")
        ordering = ["dossier", "api", "passed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "api", "stage"], name="catalogue_one_proof_per_flow_stage"
            )
        ]

    def __str__(self):
        return f"{self.dossier_id} — {self.api} — {self.stage}"

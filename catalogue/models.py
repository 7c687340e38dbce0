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
- `PublicEvent`: the change feed (publication, update, suspension, reinstatement,
  de-referencing), with its public motive.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import OPEN_CARD_STATES, Accessibility, CardState, EventKind, PriceModel

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
    renewal_due = models.DateField(_("renouvellement au plus tard le"), null=True, blank=True)
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

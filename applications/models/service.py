from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.organisations.models import Organisation

from ..enums import MedicalDeviceClass, MesApi, Platform, PriceModel, Region, Theme
from ..validators import validate_platform_url

#: The field holding the service's link on each platform.
PLATFORM_FIELDS = {
    Platform.WEB: "web_url",
    Platform.IOS: "ios_url",
    Platform.ANDROID: "android_url",
}


class Service(models.Model):
    """A digital health service (web site, app) of an organisation, candidate to the catalogue."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("nom du service"), max_length=200)
    short_description = models.CharField(
        _("description courte"),
        max_length=300,
        blank=True,
        help_text=_("Une ou deux phrases, affichées sur la carte du catalogue (300 caractères)."),
    )
    long_description = models.TextField(_("description détaillée"), blank=True)
    web_url = models.URLField(_("adresse du site web"), blank=True)
    ios_url = models.URLField(
        _("lien App Store"), blank=True, help_text=_("Commence par https://apps.apple.com/")
    )
    android_url = models.URLField(
        _("lien Google Play"), blank=True, help_text=_("Commence par https://play.google.com/")
    )
    price_model = models.CharField(
        _("modèle économique"), max_length=20, choices=PriceModel.choices, blank=True
    )
    themes = models.JSONField(_("thématiques"), default=list, blank=True)
    regions = models.JSONField(_("régions"), default=list, blank=True)
    has_connected_devices = models.BooleanField(_("lié à des objets connectés"), default=False)
    connected_devices = models.CharField(
        _("objets connectés"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : tensiomètre, glucomètre, montre connectée."),
    )
    is_medical_device = models.BooleanField(_("dispositif médical"), default=False)
    medical_device_class = models.CharField(
        _("classe du dispositif médical"),
        max_length=4,
        choices=MedicalDeviceClass.choices,
        blank=True,
    )
    requests_data_exchange = models.BooleanField(
        _("échange de données avec Mon espace santé demandé"), default=False
    )
    mes_apis = models.JSONField(_("API de Mon espace santé demandées"), default=list, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def platforms(self) -> list[str]:
        return [str(p) for p, field in PLATFORM_FIELDS.items() if getattr(self, field)]

    def clean(self):
        errors = {}
        for platform, field in PLATFORM_FIELDS.items():
            url = getattr(self, field)
            if url:
                try:
                    validate_platform_url(platform, url)
                except ValidationError as exc:
                    errors[field] = exc.messages
        unknown = set(self.themes) - set(Theme.values)
        if unknown:
            errors["themes"] = _("Thématique inconnue : %(v)s.") % {"v": ", ".join(sorted(unknown))}
        unknown = set(self.regions) - set(Region.values)
        if unknown:
            errors["regions"] = _("Région inconnue : %(v)s.") % {"v": ", ".join(sorted(unknown))}
        unknown = set(self.mes_apis) - set(MesApi.values)
        if unknown:
            errors["mes_apis"] = _("API inconnue : %(v)s.") % {"v": ", ".join(sorted(unknown))}
        if self.is_medical_device and not self.medical_device_class:
            errors["medical_device_class"] = _("Indiquez la classe du dispositif médical.")
        if not self.is_medical_device and self.medical_device_class:
            errors["medical_device_class"] = _(
                "Une classe n'est attendue que pour un dispositif médical."
            )
        if self.requests_data_exchange and not self.mes_apis:
            errors["mes_apis"] = _("Choisissez au moins une API pour l'échange de données.")
        if not self.requests_data_exchange and self.mes_apis:
            errors["mes_apis"] = _(
                "Les API ne sont à choisir que si l'échange de données est demandé."
            )
        if errors:
            raise ValidationError(errors)

"""Describing a service and answering its orientation questionnaire. The forms check types and
choices; the rules across fields live in `applications.domain.service_description` and the model's
`clean()`, whose errors the views put back on the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal.forms import DomainErrorsMixin
from portal.organisations.models import Organisation

from ..enums import MedicalDeviceClass, MesApi, PriceModel, Purpose, Region, Theme
from ..models import Service

YES_NO = [("true", _("Oui")), ("false", _("Non"))]


class InlineRadioSelect(forms.RadioSelect):
    """Radio buttons side by side (django-dsfr's snippet reads `inline`)."""

    inline = True


def yes_no(label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "true",
        widget=InlineRadioSelect,
        error_messages={"required": _("Répondez par oui ou par non.")},
    )


def checkboxes(label, choices, help_text="", required=False):
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


def https_url(label, help_text):
    return forms.URLField(
        label=label, help_text=help_text, required=False, max_length=200, assume_scheme="https"
    )


class ServiceForm(DomainErrorsMixin, DsfrBaseForm):
    name = forms.CharField(label=_("Nom du service"), max_length=200)
    short_description = forms.CharField(
        label=_("Description courte"),
        max_length=300,
        help_text=_("Une ou deux phrases, affichées sur la carte du catalogue (300 caractères)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    long_description = forms.CharField(
        label=_("Description détaillée"),
        required=False,
        max_length=10000,
        help_text=_("À qui s'adresse le service, ce qu'il permet de faire, comment il s'utilise."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    web_url = https_url(_("Adresse du site web"), _("En HTTPS, par exemple https://exemple.fr/"))
    ios_url = https_url(_("Lien App Store"), _("Commence par https://apps.apple.com/"))
    android_url = https_url(_("Lien Google Play"), _("Commence par https://play.google.com/"))
    price_model = forms.ChoiceField(
        label=_("Modèle économique"),
        choices=PriceModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le modèle économique du service.")},
    )
    themes = checkboxes(
        _("Thématiques"),
        Theme.choices,
        help_text=_("Au moins une ; elles servent de filtres dans le catalogue."),
        required=True,
    )
    regions = checkboxes(
        _("Régions où le service est proposé"),
        Region.choices,
        help_text=_("« Toute la France », ou bien une ou plusieurs régions."),
        required=True,
    )
    has_connected_devices = yes_no(_("Le service est-il lié à des objets connectés ?"))
    connected_devices = forms.CharField(
        label=_("Objets connectés"),
        required=False,
        max_length=300,
        help_text=_("Si oui : par exemple tensiomètre, glucomètre, montre connectée."),
    )
    is_medical_device = yes_no(_("Le service est-il un dispositif médical ?"))
    medical_device_class = forms.ChoiceField(
        label=_("Classe du dispositif médical"),
        required=False,
        choices=[("", _("Sans objet")), *MedicalDeviceClass.choices],
        help_text=_("Si oui : la classe portée par le marquage CE."),
    )
    requests_data_exchange = yes_no(
        _("Demandez-vous l'échange de données avec Mon espace santé ?"),
        _(
            "L'échange de données ajoute au dossier les exigences de sécurité et de RGPD propres "
            "à l'échange, et des tests techniques."
        ),
    )
    mes_apis = checkboxes(
        _("API de Mon espace santé demandées"),
        MesApi.choices,
        help_text=_("Si l'échange de données est demandé : au moins une."),
    )

    #: How the template groups the fields: each group is a section with a heading; a group with a
    #: legend also wraps its text fields in a fieldset (radios and checkboxes have their own).
    GROUPS = [
        (_("Présentation"), ["name", "short_description", "long_description"], None),
        (
            _("Plateformes"),
            ["web_url", "ios_url", "android_url"],
            _("Où trouver le service (au moins une plateforme)"),
        ),
        (
            _("Modèle économique, thématiques et régions"),
            ["price_model", "themes", "regions"],
            None,
        ),
        (
            _("Objets connectés et dispositif médical"),
            [
                "has_connected_devices",
                "connected_devices",
                "is_medical_device",
                "medical_device_class",
            ],
            None,
        ),
        (
            _("Échange de données avec Mon espace santé"),
            ["requests_data_exchange", "mes_apis"],
            None,
        ),
    ]

    def clean(self):
        data = super().clean()
        platforms = ("web_url", "ios_url", "android_url")
        if not any(data.get(name) for name in platforms) and not any(
            name in self.errors for name in platforms
        ):
            raise ValidationError(
                _(
                    "Indiquez au moins une plateforme : l'adresse du site web, le lien App Store "
                    "ou le lien Google Play."
                ),
                code="no_platform",
            )
        return data

    def groups(self):
        return [
            {"title": title, "fields": [self[name] for name in names], "legend": legend}
            for title, names, legend in self.GROUPS
        ]

    @classmethod
    def initial_from(cls, service: Service) -> dict:
        initial = {name: getattr(service, name) for name in cls.base_fields}
        for name in ("has_connected_devices", "is_medical_device", "requests_data_exchange"):
            initial[name] = "true" if initial[name] else "false"
        return initial

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ServiceCreateForm(ServiceForm):
    """A new service, in one of the editor's organisations (asked only when they have several)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation (éditeur) du service"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        if len(self.organisations) > 1:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in self.organisations]
            )
        else:
            del self.fields["organisation"]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data.pop("organisation", None) or self.organisations[0]
        return data


class OrientationForm(DomainErrorsMixin, DsfrBaseForm):
    targets_users = yes_no(
        _("Le service s'adresse-t-il aux usagers (patients, citoyens, aidants) ?"),
        _("Un service destiné seulement aux professionnels de santé n'est pas éligible."),
    )
    purposes = checkboxes(
        _("Le service concerne-t-il… ?"),
        Purpose.choices,
        help_text=_(
            "Cochez tout ce qui s'applique ; ne cochez rien si le service ne relève d'aucune de "
            "ces finalités."
        ),
    )
    uses_ai = yes_no(
        _("Le service utilise-t-il de l'intelligence artificielle ?"),
        _("Par exemple un agent conversationnel, une aide au diagnostic, une recommandation."),
    )
    stores_health_data = yes_no(
        _("Le service héberge-t-il des données de santé ?"),
        _("Des données de santé à caractère personnel conservées par vous ou un prestataire."),
    )
    has_professional_users = yes_no(
        _("Le service a-t-il aussi des utilisateurs professionnels de santé ?"),
        _("Par exemple un médecin qui consulte les mesures de son patient."),
    )
    publishes_health_content = yes_no(
        _("Le service publie-t-il des contenus de santé ?"),
        _("Articles, conseils, vidéos ou programmes sur la santé."),
    )

    BOOLEANS = (
        "targets_users",
        "uses_ai",
        "stores_health_data",
        "has_professional_users",
        "publishes_health_content",
    )

    @classmethod
    def initial_from(cls, orientation) -> dict:
        if orientation is None:
            return {}
        initial = {"purposes": orientation.purposes}
        for name in cls.BOOLEANS:
            value = getattr(orientation, name)
            initial[name] = "" if value is None else ("true" if value else "false")
        return initial

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)

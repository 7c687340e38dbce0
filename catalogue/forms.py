"""The catalogue card's forms. They check types, choices and each link (with the platform rule
shared with the service's description, applications/validators.py); the rules across fields and
the completeness needed to submit live in catalogue/domain/cards.py, whose errors the views put
back on the fields."""

import copy
from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.validators import validate_platform_url
from portal.forms import DomainErrorsMixin

from .enums import Accessibility, MesApi, Platform, PriceModel, Region, Theme
from .models import SHORT_DESCRIPTION_MAX, Card

#: The form field of each platform's link.
PLATFORM_FIELDS = {
    Platform.WEB: "web_url",
    Platform.IOS: "ios_url",
    Platform.ANDROID: "android_url",
}
LOGO_TYPES = "image/png,image/jpeg,image/webp"


def _checkboxes(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _link(platform, label, help_text):
    return forms.URLField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[partial(validate_platform_url, platform)],
    )


class CardForm(DomainErrorsMixin, DsfrBaseForm):
    """The editor's card. Every field may stay empty while the card is a draft; submitting it
    asks for all of them but the logo, the data exchanges and, for a service « non conforme »,
    the declaration of accessibility."""

    name = forms.CharField(label=_("Nom du service"), max_length=120, required=False)
    editor_public_name = forms.CharField(
        label=_("Nom public de l'éditeur"),
        max_length=120,
        required=False,
        help_text=_("Affiché sur la carte du catalogue : « Par … »."),
    )
    short_description = forms.CharField(
        label=_("Description courte"),
        max_length=SHORT_DESCRIPTION_MAX,
        required=False,
        help_text=_("Affichée sur la carte du catalogue : %(n)s caractères au plus.")
        % {"n": SHORT_DESCRIPTION_MAX},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    long_description = forms.CharField(
        label=_("Description détaillée"),
        max_length=10000,
        required=False,
        help_text=_("À qui s'adresse le service, ce qu'il permet de faire, comment il s'utilise."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "Image PNG, JPEG ou WebP, carrée de préférence, de 64 à 4 096 pixels de côté "
            "(elle est réduite à 512 × 512 pixels au plus). Les images SVG et GIF ne sont pas "
            "acceptées."
        ),
        widget=forms.FileInput(attrs={"class": "fr-upload", "accept": LOGO_TYPES}),
    )
    logo_clear = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)
    themes = _checkboxes(
        _("Thématiques"), Theme.choices, _("Elles servent de filtres au catalogue.")
    )
    regions = _checkboxes(
        _("Régions où le service est proposé"),
        Region.choices,
        _("« Toute la France », ou bien une ou plusieurs régions (pas les deux)."),
    )
    web_url = _link(Platform.WEB, _("Site web"), _("En HTTPS, par exemple https://exemple.fr/"))
    ios_url = _link(Platform.IOS, _("Lien App Store"), _("Commence par https://apps.apple.com/"))
    android_url = _link(
        Platform.ANDROID, _("Lien Google Play"), _("Commence par https://play.google.com/")
    )
    price_model = forms.ChoiceField(
        label=_("Modèle économique"),
        choices=PriceModel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    accessibility = forms.ChoiceField(
        label=_("Conformité au RGAA"),
        choices=Accessibility.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Telle que la déclaration d'accessibilité du service l'indique."),
    )
    accessibility_url = forms.URLField(
        label=_("Adresse de la déclaration d'accessibilité"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("En HTTPS ; obligatoire sauf pour un service non conforme."),
    )
    data_exchange = _checkboxes(
        _("Données échangées avec Mon espace santé"),
        [],
        _("Seulement celles que le dossier de référencement a demandées."),
    )

    #: How the template groups the fields: (heading, fields, legend of a fieldset or None).
    GROUPS = [
        (
            _("Présentation"),
            ["name", "editor_public_name", "short_description", "long_description"],
            None,
        ),
        (_("Logo"), ["logo", "logo_clear"], None),
        (
            _("Plateformes"),
            ["web_url", "ios_url", "android_url"],
            _("Où trouver le service (au moins une plateforme)"),
        ),
        (_("Thématiques et régions"), ["themes", "regions"], None),
        (
            _("Modèle économique et accessibilité"),
            ["price_model", "accessibility", "accessibility_url"],
            None,
        ),
        (_("Échange de données avec Mon espace santé"), ["data_exchange"], None),
    ]

    #: The fields stored as they are (the links make `platforms`, the upload a `Logo`).
    TEXTS_AND_CHOICES = (
        "name",
        "editor_public_name",
        "short_description",
        "long_description",
        "themes",
        "regions",
        "price_model",
        "accessibility",
        "accessibility_url",
        "data_exchange",
    )

    def __init__(self, *args, card: Card, **kwargs):
        super().__init__(*args, **kwargs)
        self.card = card
        service = card.service
        requested = set(service.mes_apis) if service.requests_data_exchange else set()
        field = self.fields["data_exchange"]
        field.choices = [(v, label) for v, label in MesApi.choices if v in requested]
        field.error_messages["invalid_choice"] = _(
            "« %(value)s » : le dossier du service n'a pas demandé cet échange de données."
        )
        if not requested:
            del self.fields["data_exchange"]
        if card.logo_id is None:
            del self.fields["logo_clear"]
        # DsfrBaseForm built the bound fields in its __init__: rebuild them after the changes.
        self._bound_fields_cache.clear()

    def groups(self):
        return [
            {
                "title": title,
                "fields": [self[name] for name in names if name in self.fields],
                "legend": legend,
            }
            for title, names, legend in self.GROUPS
            if any(name in self.fields for name in names)
        ]

    @classmethod
    def initial_from(cls, card: Card) -> dict:
        initial = {name: getattr(card, name) for name in cls.TEXTS_AND_CHOICES}
        links = {item.get("platform"): item.get("url", "") for item in card.platforms}
        for platform, name in PLATFORM_FIELDS.items():
            initial[name] = links.get(platform, "")
        return initial

    def card_data(self) -> dict:
        """`card_update`'s data: the fields, the platforms as a list, the logo to store or drop."""
        data = dict(self.cleaned_data)
        data["platforms"] = [
            {"platform": platform.value, "url": url}
            for platform, name in PLATFORM_FIELDS.items()
            if (url := data.pop(name, ""))
        ]
        upload = data.pop("logo", None)
        if data.pop("logo_clear", False):
            data["logo"] = None
        if upload:
            data["logo_file"] = upload
        data.setdefault("data_exchange", [])
        return data

    def preview(self) -> Card:
        """The card as it would read with what validates of the bound data (never saved)."""
        card = copy.copy(self.card)
        valid = self.cleaned_data
        for name in self.TEXTS_AND_CHOICES:
            if name in valid:
                setattr(card, name, valid[name])
        if all(name in valid for name in PLATFORM_FIELDS.values()):
            card.platforms = [
                {"platform": platform.value, "url": valid[name]}
                for platform, name in PLATFORM_FIELDS.items()
                if valid[name]
            ]
        if valid.get("logo_clear"):
            card.logo = None
        return card


class ReviewCommentForm(DsfrBaseForm):
    """What the administration asks the editor to change."""

    comment = forms.CharField(
        label=_("Modifications attendues"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("L'éditeur le lira sur la page de sa fiche et dans le courriel envoyé."),
        error_messages={"required": _("Indiquez les modifications attendues.")},
    )


class ConfirmForm(DsfrBaseForm):
    """A confirmation with nothing to fill in (the button is the confirmation)."""

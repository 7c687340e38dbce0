from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import Organisation
from .validators import validate_siren


class OrganisationForm(DsfrBaseForm):
    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=11,
        help_text=_("9 chiffres ; les espaces sont acceptés."),
    )
    street = forms.CharField(label=_("Adresse"), max_length=255)
    postal_code = forms.RegexField(
        label=_("Code postal"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Le code postal doit comporter 5 chiffres.")},
    )
    city = forms.CharField(label=_("Commune"), max_length=120)

    def clean_siren(self):
        siren = self.cleaned_data["siren"].replace(" ", "")
        validate_siren(siren)
        if Organisation.objects.filter(siren=siren).exists():
            raise forms.ValidationError(
                _(
                    "Une organisation avec ce SIREN existe déjà sur le portail : "
                    "demandez à l'un de ses membres de vous inviter."
                )
            )
        return siren


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(
        label=_("Adresse électronique de votre collègue"),
        help_text=_("Le lien d'invitation est valable 7 jours."),
    )

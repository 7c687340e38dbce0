from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from dsfr.forms import DsfrBaseForm

from .models import Organisation
from .validators import postal_code_normalise, siren_normalise


def single_line(text: str) -> str:
    """`text` on one line: every run of whitespace (line breaks included) becomes one space."""
    return " ".join(text.split())


class OrganisationForm(DsfrBaseForm):
    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=20,
        help_text=_("9 chiffres ; les espaces sont acceptés."),
    )
    street = forms.CharField(label=_("Adresse"), max_length=255)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10, help_text=_("5 chiffres."))
    city = forms.CharField(label=_("Commune"), max_length=120)

    def clean_name(self):
        # The name goes into e-mail subjects and PDFs: no line break may travel with it.
        return single_line(self.cleaned_data["name"])

    def clean_street(self):
        return single_line(self.cleaned_data["street"])

    def clean_city(self):
        return single_line(self.cleaned_data["city"])

    def clean_siren(self):
        siren = siren_normalise(self.cleaned_data["siren"])
        if Organisation.objects.filter(siren=siren).exists():
            raise forms.ValidationError(
                _(
                    "Une organisation avec ce SIREN existe déjà sur le portail : "
                    "demandez à l'un de ses membres de vous inviter."
                )
            )
        return siren

    def clean_postal_code(self):
        return postal_code_normalise(self.cleaned_data["postal_code"])


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(label=_("Adresse électronique de votre collègue"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.INVITATION_VALIDITY_DAYS
        self.fields["email"].help_text = ngettext(
            "Le lien d'invitation est valable %(days)d jour.",
            "Le lien d'invitation est valable %(days)d jours.",
            days,
        ) % {"days": days}

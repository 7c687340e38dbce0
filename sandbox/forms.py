from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .models import SandboxHolder
from .validators import MAX_REDIRECT_URIS, split_redirect_uris, validate_redirect_uris


class RedirectUrisForm(DsfrBaseForm):
    redirect_uris = forms.CharField(
        label=_("Adresses de retour (redirect_uri)"),
        help_text=_(
            "Une adresse par ligne, exacte, %(max)s au plus : https://…, ou "
            "http://localhost:PORT/… et http://127.0.0.1:PORT/… pour un poste de développement."
        )
        % {"max": MAX_REDIRECT_URIS},
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        max_length=6000,
    )

    def clean_redirect_uris(self) -> list[str]:
        uris = split_redirect_uris(self.cleaned_data["redirect_uris"])
        validate_redirect_uris(uris)
        return uris

    @classmethod
    def for_client(cls, client, data=None):
        return cls(data, initial={"redirect_uris": "\n".join(client.redirect_uri_list)})


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, holder):
        return _("%(name)s — identifiant fictif %(id)s") % {
            "name": holder.full_name,
            "id": holder.display_identifier,
        }


class SignInTargetForm(forms.Form):
    """Which client a holder signs in to, and the authorization request to resume after."""

    client_id = forms.CharField(required=False, max_length=255)
    next = forms.CharField(required=False, max_length=4000)


class HolderSignInForm(DsfrBaseForm):
    """Choose which fictitious holder of the client signs in (no password: nothing is real)."""

    holder = HolderChoiceField(
        label=_("Profil de test"),
        queryset=SandboxHolder.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choisissez le profil de test avec lequel vous connecter.")},
    )
    client_id = forms.CharField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["holder"].queryset = client.holders.all()

    def clean_client_id(self):
        if self.cleaned_data["client_id"] != self.client.client_id:
            raise ValidationError(_("Ce lien de connexion ne correspond pas à ce client."))
        return self.cleaned_data["client_id"]

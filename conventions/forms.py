"""Forms of the convention's signatures. They check types and lengths and carry the SHA-256 of
the document the signatory opened; the rules (who, when, which document) live in
`conventions.domain.signatures`.

Signing is irreversible, so each form is posted twice: first without `confirmed` (the view
answers with a confirmation page that carries every value in hidden fields), then with it."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

SHA256 = RegexValidator(r"^[0-9a-f]{64}$", _("Empreinte du document invalide : rechargez la page."))


class SignatureForm(DsfrBaseForm):
    signatory_name = forms.CharField(
        label=_("Prénom et nom du signataire"),
        max_length=150,
        error_messages={"required": _("Indiquez le prénom et le nom du signataire.")},
    )
    signatory_title = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=200,
        error_messages={"required": _("Indiquez la qualité (la fonction) du signataire.")},
    )
    seen_sha256 = forms.CharField(
        widget=forms.HiddenInput,
        validators=[SHA256],
        error_messages={"required": _("Empreinte du document manquante : rechargez la page.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        return {
            "signatory_name": self.cleaned_data["signatory_name"],
            "signatory_title": self.cleaned_data["signatory_title"],
            "seen_sha256": self.cleaned_data["seen_sha256"],
        }

    @property
    def is_confirmed(self) -> bool:
        return bool(self.cleaned_data.get("confirmed"))


class AcceptForm(SignatureForm):
    """The editor's acceptance: who signs, in what capacity, and the statement they tick."""

    statement_accepted = forms.BooleanField(
        label="",  # the statement of the convention, set in __init__
        error_messages={
            "required": _(
                "Cochez la déclaration : elle certifie que vous pouvez engager l'organisation."
            )
        },
    )

    field_order = ["signatory_name", "signatory_title", "statement_accepted", "seen_sha256"]

    def __init__(self, *args, statement: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory_title"].help_text = _(
            "Par exemple : président, directrice générale, gérant, ou la fonction de la "
            "personne qui a reçu délégation."
        )
        self.fields["statement_accepted"].label = statement
        # DsfrBaseForm built the bound fields (and their labels) in its __init__.
        self._bound_fields_cache.pop("statement_accepted", None)

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "statement_accepted": self.cleaned_data["statement_accepted"],
        }


class CountersignForm(SignatureForm):
    """The administration's countersignature."""

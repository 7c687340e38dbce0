"""The names a person gives: at sign-up (allauth's form is built on `NamesSignupForm`) and on
their profile page."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

NAME_MAX_LENGTH = 150  # AbstractUser.first_name / last_name


def _name_field(label, autocomplete):
    return forms.CharField(
        label=label,
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


class NamesMixin:
    """First and last name on one line each: they go into e-mails, PDFs and signatures."""

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self):
        return " ".join(self.cleaned_data["last_name"].split())


class NamesSignupForm(NamesMixin, forms.Form):
    """The base of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): its adapter's `save_user`
    stores `first_name` and `last_name` on the new account."""

    first_name = _name_field(_("Prénom"), "given-name")
    last_name = _name_field(_("Nom"), "family-name")

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        """Nothing more to store: allauth's adapter saved the names with the account."""


class ProfileForm(NamesMixin, DsfrBaseForm):
    first_name = _name_field(_("Prénom"), "given-name")
    last_name = _name_field(_("Nom"), "family-name")

"""Form fields for numbers and dates that take the digits 0 to 9 only (see `portal.validators`).

Django's own fields read « ٥ » or « ５ » as 5 (`int()`, `Decimal()`, `strptime`'s `\\d`):
harmless once converted, but the portal states one rule for every digit a person types, and these
fields apply it before Django converts anything."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import has_non_ascii_digit


class AsciiDigitsMixin:
    default_error_messages = {
        "ascii_digits": _("Saisissez ce nombre avec les chiffres de 0 à 9 uniquement."),
    }

    def to_python(self, value):
        if isinstance(value, str) and has_non_ascii_digit(value):
            raise ValidationError(self.error_messages["ascii_digits"], code="ascii_digits")
        return super().to_python(value)


class AsciiIntegerField(AsciiDigitsMixin, forms.IntegerField):
    pass


class AsciiDecimalField(AsciiDigitsMixin, forms.DecimalField):
    pass


class AsciiDateField(AsciiDigitsMixin, forms.DateField):
    default_error_messages = {
        "ascii_digits": _("Saisissez la date avec les chiffres de 0 à 9 uniquement."),
    }

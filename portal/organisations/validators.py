from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.validators import ascii_digits, validate_ascii_digits

#: La Poste's establishments share a SIREN that does not pass the Luhn check;
#: INSEE validates them by the sum of their digits instead.
LA_POSTE_SIREN = "356000000"

SIREN_LABEL = _("Le SIREN")
POSTAL_CODE_LABEL = _("Le code postal")


def luhn_is_valid(digits: str) -> bool:
    """Luhn's check of a string of ASCII digits (the caller has checked them)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - ord("0")
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siren_normalise(value: str) -> str:
    """A typed SIREN without its spaces, or a French ValidationError (digits 0-9, checksum)."""
    siren = ascii_digits(value, length=9, label=SIREN_LABEL)
    _siren_checksum(siren)
    return siren


def validate_siren(value: str) -> None:
    validate_ascii_digits(value, length=9, label=SIREN_LABEL)
    _siren_checksum(value)


def _siren_checksum(siren: str) -> None:
    if siren == LA_POSTE_SIREN:
        return
    if not luhn_is_valid(siren):
        raise ValidationError(
            _("Ce numéro SIREN n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="checksum",
        )


def postal_code_normalise(value: str) -> str:
    return ascii_digits(value, length=5, label=POSTAL_CODE_LABEL)


def validate_postal_code(value: str) -> None:
    validate_ascii_digits(value, length=5, label=POSTAL_CODE_LABEL)

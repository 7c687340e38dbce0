from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: La Poste's establishments share a SIREN that does not pass the Luhn check;
#: INSEE validates them by the sum of their digits instead.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError(_("Le SIREN doit comporter exactement 9 chiffres."), code="format")
    if value == LA_POSTE_SIREN:
        return
    if not luhn_is_valid(value):
        raise ValidationError(
            _("Ce numéro SIREN n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="checksum",
        )

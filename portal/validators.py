"""Digits typed by people: 0 to 9, and nothing else that Unicode calls a digit.

None of Python's usual tests means "0 to 9": `str.isdigit()` is true for « ² » (and `int("²")`
then raises), `int()` reads « ٥ » (Arabic-Indic) and « ５ » (full-width) as 5, and the regex `\\d`
matches every Unicode decimal digit unless compiled with `re.ASCII`. A SIREN written in another
script would slip past the unique constraint as a "different" number. So every identifier made of
digits goes through `ascii_digits`, and every number or date field through `portal.form_fields`.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: What people type or paste between groups of digits ("552 100 554", no-break spaces included).
_SPACES = re.compile(r"\s+")
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def has_non_ascii_digit(value: str) -> bool:
    """True if `value` holds a character Unicode reads as a number other than 0-9 (², ٥, ５, Ⅻ…)."""
    return any(char.isnumeric() and not "0" <= char <= "9" for char in value)


def ascii_digits(value: str, *, length: int, label: str) -> str:
    """`value` without its spaces if it is exactly `length` digits 0-9; else a French error.

    `label` begins the message: « Le SIREN », « Le code postal »."""
    compact = _SPACES.sub("", value or "")
    if not _ASCII_DIGITS.fullmatch(compact):
        raise ValidationError(
            _("%(label)s ne doit contenir que des chiffres de 0 à 9."),
            code="digits",
            params={"label": label},
        )
    if len(compact) != length:
        raise ValidationError(
            _("%(label)s doit comporter exactement %(length)d chiffres."),
            code="length",
            params={"label": label, "length": length},
        )
    return compact


def validate_ascii_digits(value: str, *, length: int, label: str) -> None:
    """The model-level form of `ascii_digits`: the stored value must already be normalised."""
    if ascii_digits(value, length=length, label=label) != value:
        raise ValidationError(
            _("%(label)s doit s'écrire sans espace."), code="spaces", params={"label": label}
        )

"""Names of evidence files: safe to store and to offer for download, and as the user knows
them for messages."""

import re
import unicodedata

from django.utils.translation import gettext as _

MAX_NAME_LENGTH = 120
FALLBACK_STEM = "piece-justificative"


def sanitize_filename(name: str, extension: str | None = None) -> str:
    """A file name safe to store and to offer for download, never empty.

    Keeps the base name only, in NFC; characters other than letters, digits, space, dot, dash and
    underscore become "_"; whitespace runs become one space; leading dots and spaces go; at most
    120 characters, extension kept and lower-cased. With `extension` ("pdf" or ".pdf") the result
    ends with it: it replaces the name's own extension when they are the same (case aside) and
    is appended otherwise. Fallback: "piece-justificative.<ext>"."""
    stem, own = _split(_clean(name))
    if extension is not None:
        wanted = extension.removeprefix(".").lower()
        if not _is_extension(wanted):
            raise ValueError(f"Not a file extension: {extension!r}")
        if own and own != wanted:
            stem = f"{stem}.{own}"
        own = wanted
    budget = MAX_NAME_LENGTH - (len(own) + 1 if own else 0)
    stem = stem[:budget].strip(" .") or FALLBACK_STEM
    return f"{stem}.{own}" if own else stem


def _base_name(name: str) -> str:
    return re.split(r"[/\\]", name)[-1]


def _clean(name: str) -> str:
    """Base name, NFC, whitespace collapsed, unsafe characters replaced, no trailing dots."""
    name = unicodedata.normalize("NFC", _base_name(name))
    name = " ".join(name.split())
    name = "".join(char if _is_safe(char) else "_" for char in name)
    return name.rstrip(" .")


def _is_safe(char: str) -> bool:
    return char in " .-_" or unicodedata.category(char) in {"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"}


def _split(clean: str) -> tuple[str, str]:
    """(stem, lower-cased extension without dot, "" if none) of a cleaned name."""
    stem, dot, extension = clean.rpartition(".")
    if not dot or not _is_extension(extension):
        stem, extension = clean, ""
    return stem.strip(" ."), extension.lower()


def _is_extension(text: str) -> bool:
    return 0 < len(text) <= 10 and text.isascii() and text.isalnum()


def name_extension(name: str) -> str:
    """The lower-cased extension of `name` as it will be stored ("" if none), without the dot."""
    return _split(_clean(name))[1]


def display_name(name: str) -> str:
    """The name as the user knows it, for messages: base name, without invisible characters."""
    name = unicodedata.normalize("NFC", _base_name(name))
    name = " ".join(name.split())
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    if len(name) > MAX_NAME_LENGTH:
        name = name[: MAX_NAME_LENGTH - 1] + "…"
    return name or _("sans nom")

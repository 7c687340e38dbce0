"""`manage.py french_plurals`: write locale/fr/LC_MESSAGES/django.po, the French catalogue.

French is the source language: every msgid is already the French text, so this catalogue holds
only what French needs of gettext, the counted strings (`ngettext`, `{% blocktranslate count %}`)
with their two French forms as the code writes them, under the French plural rule
(`nplurals=2; plural=(n > 1)`: « 0 vote exprimé », « 1 jour », « 2 jours »). Without it gettext
falls back to the English rule (n != 1) and writes « 0 votes exprimés ».

Run it after adding or changing a counted string; `--check` only says whether the catalogue is
up to date (tests/portal/test_french_plurals.py runs it). `compilemessages` (bin/run, bin/test,
the Docker image) then builds the .mo, which is not versioned, as for English. makemessages
reads the source from a scratch folder of links, so that nothing under locale/ but this file is
ever written (locale/en belongs to the translators).
"""

import contextlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
#: Top-level entries whose strings are not the portal's (dot-folders are skipped too).
IGNORED = {"locale", "var", "staticfiles", "media", "private", "tests", "benchmarks", "docs"}
HEADER = f"""# The French catalogue of referencement-portal: only the counted strings, with their
# French forms, for the French plural rule. Written by `manage.py french_plurals`: do not edit.
msgid ""
msgstr ""
"Project-Id-Version: referencement-portal\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {PLURAL_FORMS}\\n"
"""


def catalogue_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"


def _fields(block: str) -> tuple[list[str], dict[str, list[str]]]:
    """The comment lines of one .po entry, and its keywords with their quoted lines."""
    comments, fields, current = [], {}, None
    for line in block.splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif line.startswith('"') and current is not None:
            fields[current].append(line)
        elif line.strip():
            keyword, _space, value = line.partition(" ")
            current = keyword
            fields[current] = [value]
    return comments, fields


def plural_entries(po_text: str) -> list[str]:
    """Every counted entry of `po_text`, its msgstr forms set to its msgid forms (French)."""
    entries = []
    for block in po_text.split("\n\n"):
        comments, fields = _fields(block)
        if "msgid_plural" not in fields or any(c.startswith("#~") for c in comments):
            continue
        lines = [c for c in comments if c.startswith("#.")]
        flags = [
            flag.strip()
            for c in comments
            if c.startswith("#,")
            for flag in c[2:].split(",")
            if flag.strip() != "fuzzy"
        ]
        if flags:
            lines.append("#, " + ", ".join(flags))
        for keyword, prefix in (
            ("msgctxt", "msgctxt"),
            ("msgid", "msgid"),
            ("msgid_plural", "msgid_plural"),
            ("msgid", "msgstr[0]"),
            ("msgid_plural", "msgstr[1]"),
        ):
            if keyword in fields:
                first, *rest = fields[keyword]
                lines.append(f"{prefix} {first}")
                lines.extend(rest)
        entries.append("\n".join(lines))
    return entries


def counted_entries() -> list[str]:
    """The portal's counted strings as French catalogue entries, from its source as it is now."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for child in Path(settings.BASE_DIR).iterdir():
            if child.name not in IGNORED and not child.name.startswith("."):
                (root / child.name).symlink_to(child)
        (root / "locale").mkdir()
        with override_settings(LOCALE_PATHS=[root / "locale"]), contextlib.chdir(root):
            call_command(
                "makemessages",
                locale=["fr"],
                symlinks=True,
                no_location=True,
                no_obsolete=True,
                verbosity=0,
            )
        return plural_entries(
            (root / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        )


def catalogue_text(entries: list[str]) -> str:
    return HEADER + "\n" + "\n\n".join(entries) + "\n"


class Command(BaseCommand):
    help = (
        "Écrit le catalogue français (locale/fr) : les chaînes comptées du portail, avec leurs "
        "deux formes françaises, pour la règle du pluriel français."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="N'écrit rien ; sort en erreur si le catalogue n'est pas à jour.",
        )

    def handle(self, *args, check=False, **options):
        path = catalogue_path()
        entries = counted_entries()
        text = catalogue_text(entries)
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(
                    f"{path} n'est pas à jour : lancez « manage.py french_plurals »."
                )
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path} : {len(entries)} chaînes comptées.")

"""English is reachable from the header's language selector, and once chosen, a journey's pages
show no French: every msgid of the English catalogue (locale/en) that the pages still show in
French is listed."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Dossier
from catalogue.models import Listing

from .conftest import login, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER_OR_TAG = re.compile(r"%\([A-Za-z0-9_]+\)[sdif]|%[sd]|<[^>]*>|\{\{[^}]*\}\}")
FIELD = re.compile(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$', re.M)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def french_phrases() -> set[str]:
    """The French texts of the English catalogue, as a page shows them: each msgid split at its
    placeholders and tags, the pieces of two words or more. Entries the English translation
    keeps as they are (proper names such as « Mon espace santé ») are left out."""
    text = re.sub(r'"\n"', "", CATALOGUE.read_text(encoding="utf-8"))
    phrases = set()
    for entry in text.split("\n\n"):
        if entry.lstrip().startswith("#~"):
            continue
        fields = {k: _unescape(v) for k, v in FIELD.findall(entry)}
        msgid = fields.get("msgid")
        if not msgid:
            continue
        english = fields.get("msgstr", fields.get("msgstr[0]", ""))
        if english == msgid:
            continue
        for source in (msgid, fields.get("msgid_plural", "")):
            for piece in PLACEHOLDER_OR_TAG.split(source):
                piece = " ".join(piece.split()).strip(" :;,.")
                if len(piece.split()) >= 2:
                    phrases.add(piece)
    return phrases


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def referential_texts() -> str:
    """The requirements referentials' own texts (domain, section and requirement titles and
    statements): the referential is published in French only, so English pages quote it as it
    is. A phrase the catalogue shares with it (« Base légale ») is not counted as left over."""
    folder = Path(settings.BASE_DIR) / "referential"
    texts = []
    for path in sorted(folder.glob("*.yaml")):
        texts.extend(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return "\n".join(" ".join(t.split()) for t in texts)


def _french_left(page, phrases, quoted="") -> list[str]:
    shown = " ".join(page.inner_text("body").split())
    return sorted(p for p in phrases if p in shown and p not in quoted)


def _logout(page):
    page.locator(f'form[action="{reverse("account_logout")}"] button[type=submit]').first.click()
    page.wait_for_load_state("load")


def test_no_french_string_left_on_the_english_pages_of_a_journey(page, live_server, demo_data):
    phrases = french_phrases()
    assert len(phrases) > 100  # the catalogue was read
    quoted = referential_texts()
    draft = Dossier.objects.get(
        state=DossierState.DRAFT, service__organisation__name="Santé Connectée SAS"
    )
    listing = Listing.objects.filter(service__dossiers__state=DossierState.PUBLISHED).first()
    left = {}

    def visit(path=None):
        if path is not None:
            page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "en", page.url
        if found := _french_left(page, phrases, quoted):
            left[f"{len(left) + 1}. {page.url.removeprefix(live_server.url)}"] = found

    page.goto(live_server.url + "/")
    switch_language(page, "en")
    visit()  # home, anonymous
    visit(reverse("account_login"))
    login(page, live_server, "editor-a@demo.test")
    visit()  # the editor's home
    visit(reverse("applications:service-detail", args=[draft.service_id]))
    visit(reverse("applications:questionnaire", args=[draft.pk]))
    visit(reverse("applications:dossier-detail", args=[draft.pk]))
    _logout(page)
    login(page, live_server, "instructor@demo.test", totp=True)
    visit(reverse("reviews:instructor-queue"))
    visit(reverse("catalogue:list"))
    visit(reverse("catalogue:detail", args=[listing.slug]))

    assert not left, "French left on the English pages:\n" + "\n".join(
        f"{url}:\n  " + "\n  ".join(found) for url, found in left.items()
    )

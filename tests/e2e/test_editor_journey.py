"""An editor signs in, finds their dossiers and reads a dossier's history; another organisation's
dossier stays out of reach. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Dossier
from tests.dates import FRENCH_DATE_PATTERN

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR_A = "editor-a@demo.test"
#: Matched by the browser's regular expressions, whose `\w` is ASCII only: the month is spelt out
#: ("décembre", "février", "août" would not match `\w+`).
WHEN_AND_WHO = re.compile(rf"Le {FRENCH_DATE_PATTERN} à \d{{2}}:\d{{2}}, par ")


def test_editor_reads_the_history_of_a_referenced_dossier(page, live_server, demo_data):
    login(page, live_server, EDITOR_A, check_accessibility=True)

    expect(page.locator("h1")).to_have_text("Mes dossiers")
    assert_no_axe_violations(page)

    # PasÀPas (organisation A) went all the way to the ministry's decision.
    page.locator("tbody tr").filter(has_text="PasÀPas").get_by_role("link").click()

    expect(page.locator("h1")).to_have_text("PasÀPas")
    timeline = page.get_by_role("region", name="Historique du dossier")
    entries = timeline.get_by_role("listitem")
    # Creation, submission, start and end of the evaluation, commission, opinion, decision.
    expect(entries).to_have_count(7)
    expect(entries.first).to_contain_text("Décision du ministère")
    expect(entries.last).to_contain_text("Création du dossier")
    submission = entries.filter(has_text="Dépôt du dossier")
    expect(submission).to_contain_text(WHEN_AND_WHO)
    expect(submission).to_contain_text("par Alice Martin")
    expect(submission).to_contain_text("de « Brouillon » à « Déposé »")
    expect(entries.filter(has_text="Décision du ministère")).to_contain_text("par Michel Girard")
    assert_no_axe_violations(page)


def test_editor_cannot_open_a_dossier_of_another_organisation(page, live_server, demo_data):
    other = Dossier.objects.get(service__name="DiabèteFacile")  # organisation B
    login(page, live_server, EDITOR_A)

    response = page.goto(f"{live_server.url}/dossiers/{other.pk}/")

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    expect(page.get_by_text("DiabèteFacile")).to_have_count(0)
    assert_no_axe_violations(page)

"""An anonymous visitor uses the public catalogue: filters by region and theme, searches, opens a
service's page and downloads its signed decision — with axe on each page, and once by keyboard
alone. The demo publishes MonCarnetBébé; `--catalogue=2` adds NuitCalme and GlycoSuivi."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from catalogue.models import Listing
from decisions.domain.documents import decision_render
from portal.signing import verify_pdf

from .conftest import assert_no_axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue_data(demo_data):
    """Two more published services than the other journeys need (each costs a whole workflow)."""
    call_command("seed_demo", "--force", "--catalogue=2", stdout=io.StringIO())


def _card_titles(page) -> list[str]:
    return page.locator(".fr-card__title").all_inner_texts()


def test_visitor_filters_searches_and_downloads_the_decision(
    page, live_server, catalogue_data, private_storage
):
    listed = Listing.objects.filter(listed=True).select_related("card")
    assert {listing.card.name for listing in listed} == {"MonCarnetBébé", "NuitCalme", "GlycoSuivi"}
    assert all(listing.card.logo_id for listing in listed)
    nuit = listed.get(card__name="NuitCalme")
    decision_render(decision_id=nuit.decision_id)  # what the worker does after the decision

    page.goto(f"{live_server.url}/catalogue/")
    expect(page.locator("h1")).to_have_text("Catalogue des services numériques en santé")
    expect(page.locator("#resultats")).to_contain_text("3 services référencés")
    assert_no_axe_violations(page)

    # The DSFR draws its own box: people click the label.
    page.locator("label[for=f-region-IDF]").click()
    page.locator("label[for=f-theme-sleep]").click()
    expect(page.get_by_label("Île-de-France")).to_be_checked()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"region=IDF&theme=sleep"))
    assert _card_titles(page) == ["NuitCalme"]  # offered in all of France, so in Île-de-France
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/catalogue/")
    page.get_by_label("Rechercher un service").fill("diabetiques")  # no accent, plural
    page.get_by_role("button", name="Rechercher", exact=True).click()
    assert _card_titles(page) == ["GlycoSuivi"]
    page.get_by_label("Rechercher un service").fill("introuvable")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_text("Aucun service ne correspond à votre recherche")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/catalogue/?q=sommeil")
    page.get_by_role("link", name="NuitCalme").click()
    expect(page.locator("h1")).to_have_text("NuitCalme")
    expect(page.locator("#referencement")).to_contain_text(f"décision n° {nuit.decision.number}")
    expect(page.locator("#referencement")).to_contain_text("Référencé jusqu’au")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger la décision")).click()
    with open(download.value.path(), "rb") as downloaded:
        content = downloaded.read()
    reports = verify_pdf(content)
    assert [report.ok for report in reports] == [True], reports


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} never received the focus by Tab")


def test_the_catalogue_works_by_keyboard_alone(page, live_server, catalogue_data):
    page.goto(f"{live_server.url}/catalogue/")
    _tab_to(page, "#f-theme-chronic")
    page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]:not([title])")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"theme=chronic"))
    assert _card_titles(page) == ["GlycoSuivi"]
    _tab_to(page, ".fr-card__title a")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("GlycoSuivi")
    assert_no_axe_violations(page)

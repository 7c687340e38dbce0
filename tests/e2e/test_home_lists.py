"""The home page's lists as the instruction team and an editor read them in a browser, with the
rows written by portal/views.py `home_rows` (each state's label and tone, the deadline, the
lateness) and the editor's « Mes services »; axe checks each page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_instructor_and_editor_home_lists_each_dossier_with_its_state(page, live_server, demo_data):
    login(page, live_server, "instructor@demo.test", totp=True)

    table = page.locator("#resultats-instructor table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    assert rows.count() >= 1
    first = rows.first
    expect(first.locator("td").nth(0).get_by_role("link")).to_have_text(re.compile(r"\S"))
    expect(first.locator("td").nth(3).locator("p.fr-badge")).to_have_text(re.compile(r"\S"))
    assert_no_axe_violations(page)

    # Every dossier the team sees, each with its state's badge; a link opens the dossier.
    page.get_by_label("Dossiers affichés").select_option("tous")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#statut-instructor")).to_contain_text("Tous les dossiers")
    badges = page.locator("#resultats-instructor tbody tr td:nth-child(4) p.fr-badge")
    assert badges.count() == page.locator("#resultats-instructor tbody tr").count()
    classes = {badges.nth(n).get_attribute("class") for n in range(badges.count())}
    assert all(re.search(r"fr-badge--(info|success|warning|error)\b", c) for c in classes)
    assert_no_axe_violations(page)
    first = page.locator("#resultats-instructor tbody tr").first
    service = first.locator("td").nth(1).inner_text().strip()
    reference = first.get_by_role("link")
    text = reference.inner_text().strip()
    reference.click()
    expect(page.locator("h1")).to_contain_text(service)  # the dossier's page, titled by its service
    expect(page.locator("main")).to_contain_text(text)

    # The editor's home, on the same demo data (one seeding for both readers).
    page.context.clear_cookies()
    login(page, live_server, "editor-a@demo.test")

    expect(page.get_by_role("heading", name="Mes services")).to_be_visible()
    assert page.locator("#my-services ~ ul li a, section[aria-labelledby=my-services] li a").count()
    page.goto(f"{live_server.url}/?etat-editor=tous")
    rows = page.locator("#resultats-editor tbody tr")
    assert rows.count() >= 1
    for n in range(rows.count()):
        expect(rows.nth(n).locator("td").nth(3).locator("p.fr-badge")).to_have_text(
            re.compile(r"\S")
        )
    assert_no_axe_violations(page)

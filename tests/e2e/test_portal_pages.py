"""The footer's mandatory pages, the language selector (with and without JavaScript) and one's
profile, in a browser; axe checks each page."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, login, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOOTER_PAGES = {
    "Accessibilité : partiellement conforme": "Déclaration d'accessibilité",
    "Mentions légales": "Mentions légales",
    "Données personnelles": "Données personnelles",
    "Gestion des cookies": "Gestion des cookies",
}


def test_footer_pages_are_linked_from_every_page_and_accessible(page, live_server):
    for start in ("/", "/catalogue/", "/comptes/login/"):
        for link, title in FOOTER_PAGES.items():
            page.goto(live_server.url + start)
            page.locator("footer").get_by_role("link", name=link, exact=True).click()
            expect(page.locator("h1")).to_have_text(title)
            if start == "/":
                assert_no_axe_violations(page)


def test_the_language_selector_switches_to_english_and_back(page, live_server):
    page.goto(live_server.url + "/catalogue/")
    assert_no_axe_violations(page)
    page.locator(".fr-header__tools .fr-translate__btn").click()
    expect(page.locator(".fr-header__tools .fr-translate__menu")).to_be_visible()
    assert_no_axe_violations(page)  # the menu open
    switch_language(page, "en")
    assert page.url == live_server.url + "/catalogue/"  # the same page, in English
    expect(page.locator(".fr-header__tools .fr-translate__btn")).to_contain_text("EN")
    page.goto(live_server.url + "/")  # the choice is kept
    assert page.locator("html").get_attribute("lang") == "en"
    assert_no_axe_violations(page)
    switch_language(page, "fr")
    expect(page.locator("h1")).to_have_text("Référencement au catalogue de Mon espace santé")


def test_the_language_selector_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/comptes/login/")
        english = page.locator(".fr-header__tools .fr-translate__language[lang=en]")
        expect(english).to_be_visible()
        expect(page.locator(".fr-header__tools .fr-translate__btn")).to_be_hidden()
        switch_language(page, "en")
        assert page.url == live_server.url + "/comptes/login/"
    finally:
        context.close()


def test_a_person_changes_their_name_on_their_profile(page, live_server, demo_data):
    login(page, live_server, "editor-a@demo.test")
    header = page.locator(".fr-header__tools")
    header.get_by_role("link", name="Mon profil : Alice Martin").click()
    expect(page.locator("h1")).to_have_text("Mon profil")
    expect(page.locator("main")).to_contain_text("editor-a@demo.test")
    expect(page.locator("main")).to_contain_text("Santé Connectée SAS")
    assert_no_axe_violations(page)
    page.get_by_label("Prénom").fill("Alicia")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Vos nom et prénom sont enregistrés.")
    expect(header.get_by_role("link", name="Mon profil : Alicia Martin")).to_be_visible()
    page.locator("input[name=last_name]").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-error-text")).to_contain_text("Ce champ est obligatoire.")
    assert_no_axe_violations(page)

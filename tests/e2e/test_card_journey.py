"""An editor writes the public card of a referenced service (the preview follows the typing),
submits it; the administration finds it in its queue and approves it. axe checks every page on
the way."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Service
from catalogue.enums import CardState
from catalogue.models import Card
from tests.factories.catalogue import image_bytes

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR_A = "editor-a@demo.test"
ADMIN = "admin@demo.test"
SHORT = "Des marches guidées pour bouger un peu chaque jour."


def _check(page, input_id):
    """Tick a radio or checkbox the way a person does (DSFR labels cover their inputs), unless
    the card, pre-filled from the service, already has it."""
    if not page.locator(f"#{input_id}").is_checked():
        page.locator(f"label[for={input_id}]").click()
    expect(page.locator(f"#{input_id}")).to_be_checked()


def _id(page, role, name):
    return page.get_by_role(role, name=name, exact=True).get_attribute("id")


def test_editor_proposes_the_card_and_the_administration_approves_it(page, live_server, demo_data):
    service = Service.objects.get(name="PasÀPas")  # referenced, organisation A
    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/catalogue/fiches/services/{service.pk}/")
    expect(page.locator("h1")).to_have_text("Fiche du catalogue — PasÀPas")
    assert_no_axe_violations(page)

    page.get_by_role(
        "button", name=re.compile("Rédiger la fiche|Proposer une modification")
    ).click()
    expect(page.get_by_role("button", name="Enregistrer la fiche")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Nom public de l'éditeur").fill("Santé Connectée")
    page.get_by_label("Description courte").fill(SHORT)
    preview = page.locator("#apercu-fiche")
    expect(preview).to_contain_text(SHORT)  # the live preview, before anything is saved
    expect(preview).to_contain_text("Par Santé Connectée")
    page.get_by_label("Description détaillée").fill("Des parcours de marche adaptés à chacun.")
    page.locator("#id_logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}
    )
    page.get_by_label("Site web").fill("https://pasapas.example.fr/")
    _check(page, _id(page, "checkbox", "Activité physique"))
    _check(page, "id_regions_0")  # Toute la France
    _check(page, _id(page, "radio", "Gratuit"))
    _check(page, _id(page, "radio", "Partiellement conforme"))
    page.get_by_label("Adresse de la déclaration d'accessibilité").fill(
        "https://pasapas.example.fr/accessibilite"
    )
    expect(preview).to_contain_text("Site web")
    page.get_by_role("button", name="Enregistrer la fiche").click()

    expect(page.get_by_text("La fiche est enregistrée.")).to_be_visible()
    expect(page.locator("#apercu-fiche img")).to_have_count(1)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Soumettre à la relecture").click()
    expect(page.locator("h1")).to_have_text("Soumettre la fiche à la relecture")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Soumettre la fiche à la relecture").click()
    expect(page.get_by_text("La fiche est soumise à la relecture")).to_be_visible()
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    login(page, live_server, ADMIN, totp=True)
    page.goto(f"{live_server.url}/catalogue/fiches/relecture/")
    expect(page.locator("h1")).to_have_text("Relecture des fiches du catalogue")
    assert_no_axe_violations(page)
    page.locator("tbody tr").filter(has_text="PasÀPas").get_by_role("link").click()

    expect(page.locator("h1")).to_contain_text("Relecture de la fiche PasÀPas")
    expect(page.get_by_role("table")).to_contain_text(SHORT)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Approuver").click()
    expect(page.locator("h1")).to_have_text("Approuver la fiche")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Approuver la fiche").click()

    expect(page.get_by_text("La fiche est approuvée")).to_be_visible()
    assert_no_axe_violations(page)
    card = Card.objects.get(service=service, state=CardState.APPROVED)
    assert (card.short_description, card.logo.content_type) == (SHORT, "image/png")

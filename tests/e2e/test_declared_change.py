"""A change declared on a published service, in a browser: the editor's member opens the
declaration from the dossier page, finds a requirement with the search box, attaches a PDF,
reads the declaration over and sends it; the instructor finds it in the home page's to-do with
its deadline, opens it and qualifies it editorial after a confirmation; the editor's members
are told. axe checks every page on the way. The clock is frozen (ticking) before the demo is
seeded."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from applications.enums import DossierState
from applications.models import Dossier, Requirement
from changes.enums import ChangeState
from changes.models import ChangeDeclaration
from portal.notifications.models import OutboxMessage
from tests.factories.dossiers import TINY_PDF

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTANT = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)  # 12 octobre 2026, 10:00 à Paris
EDITOR_A = "editor-a@demo.test"  # member of the organisation that publishes MonCarnetBébé
INSTRUCTOR = "instructor@demo.test"
TEXT = "La page d'accueil présente désormais les rappels de vaccination."


@pytest.fixture
def _clock():
    with time_machine.travel(INSTANT, tick=True):
        yield


def test_the_editor_declares_a_change_the_instructor_qualifies_it(
    page, live_server, _clock, demo_data
):
    dossier = Dossier.objects.get(service__name="MonCarnetBébé", state=DossierState.PUBLISHED)
    touched = (
        Requirement.objects.filter(version_id=dossier.referential_version_id)
        .order_by("section__domain__position", "section__position", "position")
        .last()
    )

    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.locator("#declared-changes-title")).to_have_text("Modifications déclarées")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Déclarer une modification").click()

    expect(page.locator("h1")).to_have_text("Déclarer une modification de « MonCarnetBébé »")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Relire avant l'envoi").click()
    expect(page.get_by_role("alert").first).to_contain_text("Le formulaire contient des erreurs")
    expect(page.locator("main")).to_contain_text("Décrivez ce qui change dans le service.")
    assert_no_axe_violations(page)
    assert not ChangeDeclaration.objects.exists()

    page.get_by_label("Ce qui change dans le service").fill(TEXT)
    page.locator("label[for=id_element-0-editor_view_0]").click()  # Éditoriale (mineure)
    search = page.get_by_label("Chercher une exigence (code ou intitulé)")
    search.fill(touched.code)
    checkbox = page.locator(f"#element-0-req-{touched.pk}")
    expect(checkbox).to_be_visible()
    expect(page.locator("[data-requirement-count]")).to_have_text(
        re.compile(r"^\d+ exigences? correspond")
    )
    page.locator(f"label[for=element-0-req-{touched.pk}]").click()
    expect(checkbox).to_be_checked()
    page.get_by_label("Pièces jointes (facultatives)").set_input_files(
        [{"name": "nouvelle-accueil.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Relire avant l'envoi").click()

    expect(page.locator("h1")).to_have_text("Relire et envoyer la déclaration")
    expect(page.locator("main")).to_contain_text(TEXT)
    expect(page.locator("main")).to_contain_text("nouvelle-accueil.pdf")
    expect(page.locator("main")).to_contain_text("au plus tard le 12 janvier 2027")
    assert_no_axe_violations(page)
    declaration = ChangeDeclaration.objects.get()
    assert declaration.state == ChangeState.DRAFT
    page.get_by_role("button", name="Envoyer la déclaration").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Votre déclaration est envoyée à l'équipe référencement, qui la qualifiera au plus "
        "tard le 12 janvier 2027."
    )
    expect(page.locator("main")).to_contain_text("À qualifier")
    assert_no_axe_violations(page)
    assert OutboxMessage.objects.filter(
        to=INSTRUCTOR, subject__contains="à qualifier avant le 12 janvier 2027"
    ).exists()

    page.context.clear_cookies()
    login(page, live_server, INSTRUCTOR, totp=True)
    panel = page.locator("section[aria-labelledby=changes-todo-title]")
    expect(panel.locator("h2")).to_have_text("Modifications déclarées à qualifier")
    row = panel.locator("tbody tr").first
    expect(row).to_contain_text("MonCarnetBébé")
    expect(row).to_contain_text("12 janvier 2027")
    assert_no_axe_violations(page)
    row.get_by_role("link", name=f"Modification n° {declaration.pk}").click()

    expect(page.locator("h1")).to_have_text(
        f"Modification n° {declaration.pk} de « MonCarnetBébé »"
    )
    expect(page.locator("main")).to_contain_text(touched.code)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Qualifier la modification").click()

    expect(page.locator("h1")).to_have_text("Qualifier la modification")
    assert_no_axe_violations(page)
    page.locator("label[for=id_outcome_0]").click()  # Éditoriale
    page.get_by_label("Motif (transmis à l'éditeur)").fill("Changement de présentation seul.")
    page.get_by_role("button", name="Continuer").click()

    expect(page.locator("h1")).to_have_text("Confirmer la qualification")
    expect(page.locator("main")).to_contain_text("Changement de présentation seul.")
    assert_no_axe_violations(page)
    declaration.refresh_from_db()
    assert declaration.state == ChangeState.DECLARED
    page.get_by_role("button", name="Confirmer la qualification").click()

    expect(page.get_by_role("status")).to_contain_text(
        "La modification est qualifiée « Modification éditoriale » ; l'éditeur en est informé."
    )
    expect(page.locator("#qualification-title")).to_have_text("Qualification")
    assert_no_axe_violations(page)
    declaration.refresh_from_db()
    assert declaration.state == ChangeState.EDITORIAL
    assert OutboxMessage.objects.filter(
        to=EDITOR_A, subject__contains="qualifiée : Modification éditoriale"
    ).exists()
    page.goto(f"{live_server.url}/")
    expect(page.locator("section[aria-labelledby=changes-todo-title]")).to_contain_text(
        "Aucune modification déclarée n'attend de qualification."
    )

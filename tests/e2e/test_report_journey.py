"""A problem reported by the public, in a browser: an anonymous visitor reports one from a
service's page (a first empty try shows the errors); the instructor finds it first in the list,
sends it to the editor with a question; the editor's member answers it. axe checks every page on
the way. The clock is frozen (ticking) before the demo is seeded."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from catalogue.enums import ReportState
from catalogue.models import Listing, Report
from portal.notifications.models import OutboxMessage

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTANT = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)  # 12 octobre 2026, 10:00 à Paris
EDITOR_A = "editor-a@demo.test"  # member of the organisation that publishes MonCarnetBébé
INSTRUCTOR = "instructor@demo.test"
DESCRIPTION = "L'application affiche les courbes de croissance sans leur source."


@pytest.fixture
def _clock():
    with time_machine.travel(INSTANT, tick=True):
        yield


def test_a_visitor_reports_the_instructor_asks_the_editor_who_answers(
    page, live_server, _clock, demo_data
):
    listing = Listing.objects.select_related("card").get(card__name="MonCarnetBébé", listed=True)

    page.goto(f"{live_server.url}/catalogue/services/{listing.slug}/")
    expect(page.locator("h1")).to_have_text("MonCarnetBébé")
    expect(page.locator("#historique")).to_have_text("Historique du référencement")
    expect(page.locator("main table")).to_contain_text("Publication au catalogue")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Signaler un problème sur ce service").click()

    expect(page.locator("h1")).to_have_text("Signaler un problème sur « MonCarnetBébé »")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.locator("main")).to_contain_text("Choisissez le type de problème.")
    assert_no_axe_violations(page)
    assert not Report.objects.exists()

    page.locator("label[for=id_category_0]").click()  # Contenu trompeur
    expect(page.locator("#id_category_0")).to_be_checked()
    page.get_by_label("Décrivez le problème").fill(DESCRIPTION)
    page.get_by_label("Votre adresse électronique (facultative)").fill("parent@exemple.fr")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator("h1")).to_have_text("Merci, votre signalement est envoyé")
    expect(page.locator("main")).to_contain_text(
        "L'équipe référencement examine votre signalement."
    )
    assert_no_axe_violations(page)
    report = Report.objects.get()
    assert (report.category, report.email) == ("misleading", "parent@exemple.fr")

    login(page, live_server, INSTRUCTOR, totp=True)
    page.goto(f"{live_server.url}/catalogue/signalements/")
    expect(page.locator("h1")).to_have_text("Signalements du public")
    expect(page.locator("tbody tr").first).to_contain_text("Nouveau")
    assert_no_axe_violations(page)
    page.get_by_role(
        "link", name=re.compile(f"signalement n° {report.pk} sur MonCarnetBébé")
    ).click()
    expect(page.locator("main")).to_contain_text(DESCRIPTION)
    expect(page.locator("main")).to_contain_text("parent@exemple.fr")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Transmettre à l'éditeur").click()
    expect(page.locator("h1")).to_have_text("Transmettre le signalement à l'éditeur")
    assert_no_axe_violations(page)
    page.get_by_label("Ce que vous demandez à l'éditeur").fill("Citez-vous la source des courbes ?")
    page.get_by_role("button", name="Confirmer : Transmettre le signalement à l'éditeur").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Le signalement est transmis à l'éditeur, qui doit répondre au plus tard le "
        "11 novembre 2026."
    )
    assert_no_axe_violations(page)
    assert OutboxMessage.objects.filter(
        to=EDITOR_A, subject__contains="réponse attendue avant le 11 novembre 2026"
    ).exists()

    page.context.clear_cookies()
    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/catalogue/signalements/")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile(f"signalement n° {report.pk}")).click()
    expect(page.locator("main")).to_contain_text("Citez-vous la source des courbes ?")
    expect(page.locator("main")).not_to_contain_text("parent@exemple.fr")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Répondre").click()
    expect(page.locator("main")).to_contain_text("la réponse ne peut plus être modifiée")
    assert_no_axe_violations(page)
    page.get_by_label("Votre réponse").fill("La source (OMS) est ajoutée sous chaque courbe.")
    page.get_by_role("button", name="Confirmer : Répondre au signalement").click()
    expect(page.get_by_role("status")).to_contain_text("Votre réponse est transmise")
    expect(page.locator("main")).to_contain_text("La source (OMS) est ajoutée sous chaque courbe.")
    assert_no_axe_violations(page)

    report.refresh_from_db()
    assert report.state == ReportState.ANSWERED
    assert OutboxMessage.objects.filter(
        to=INSTRUCTOR, subject__contains="l'éditeur a répondu"
    ).exists()

"""To-do lists in a browser: the instructor's home shows what waits for them, filters by state,
searches without accents and by a piece of reference, clears the search, then gives the ethics
domain of a dossier under evaluation to another expert and moves a due date, with their reasons.
axe checks every page on the way."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Dossier
from portal.notifications.models import OutboxMessage
from reviews.models import Assignment, AssignmentChange
from tests.factories import expert

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBMITTED = "DiabèteFacile"  # « Déposé »: the instructors' turn
EVALUATED = "GrossesseSereine"  # « Évalué »: to put on a commission's agenda
INCOMPLETE = "AllergoScope"  # « Incomplet »: the editor's turn
EVALUATING = "SommeilPlus"  # « En évaluation », the experts at work


def _results(page):
    return page.locator("#resultats-instructor")


def _status(page):
    return page.locator("#statut-instructor")


def test_instructor_searches_filters_and_reassigns_an_expert(page, live_server, demo_data):
    newcomer = expert("ethics", first_name="Inès", last_name="Remplaçante")
    evaluating = Dossier.objects.get(service__name=EVALUATING)
    ethics = Assignment.objects.active().get(dossier=evaluating, domain="ethics")
    rgpd = Assignment.objects.active().get(dossier=evaluating, domain="rgpd")
    previous_expert = ethics.expert

    login(page, live_server, "instructor@demo.test", totp=True)
    expect(page.locator("h1")).to_have_text("Dossiers à instruire")
    expect(_results(page)).to_contain_text(SUBMITTED)
    expect(_results(page)).to_contain_text(EVALUATED)
    expect(_results(page)).not_to_contain_text(INCOMPLETE)
    expect(_results(page)).not_to_contain_text(EVALUATING)
    expect(_status(page)).to_contain_text("dossiers à traiter, l'échéance la plus proche")
    assert_no_axe_violations(page)

    # The filter: the rest of what instructors see, one state at a time.
    page.get_by_label("Dossiers affichés").select_option(label="Incomplet")
    page.get_by_role("button", name="Afficher").click()
    expect(_results(page)).to_contain_text(INCOMPLETE)
    expect(_results(page)).not_to_contain_text(SUBMITTED)
    expect(_status(page)).to_contain_text("1 dossier — Incomplet.")
    assert "etat-instructor=incomplete" in page.url
    assert_no_axe_violations(page)

    # The search, every dossier: without accents, then by a piece of reference.
    page.get_by_label("Dossiers affichés").select_option(label="Tous les dossiers")
    page.get_by_label("Rechercher un dossier").fill("diabete")
    page.get_by_role("button", name="Rechercher").click()
    expect(_status(page)).to_contain_text("1 dossier correspond à « diabete »")
    expect(_results(page)).to_contain_text(SUBMITTED)
    expect(_results(page)).not_to_contain_text(EVALUATED)
    assert_no_axe_violations(page)

    reference = Dossier.objects.get(service__name=SUBMITTED).reference
    page.get_by_label("Rechercher un dossier").fill(reference[2:].lower())
    page.get_by_role("button", name="Rechercher").click()
    expect(_results(page).get_by_role("link", name=reference)).to_be_visible()

    page.get_by_label("Rechercher un dossier").fill("introuvable")
    page.get_by_role("button", name="Rechercher").click()
    expect(_status(page)).to_contain_text("Aucun dossier ne correspond à « introuvable ».")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Effacer la recherche").click()
    expect(page.get_by_label("Rechercher un dossier")).to_have_value("")
    expect(_results(page)).to_contain_text(INCOMPLETE)  # still every dossier
    expect(_results(page)).to_contain_text(SUBMITTED)

    # Another expert for the ethics domain of the dossier under evaluation.
    page.goto(f"{live_server.url}/instruction/dossiers/{evaluating.pk}/experts/")
    expect(page.locator("h1")).to_have_text("Experts du dossier")
    section = page.get_by_role("region", name="Éthique", exact=True)
    section.get_by_role("link", name=re.compile("^Remplacer l'expert")).click()
    expect(page.locator("h1")).to_have_text("Remplacer l'expert — Éthique")
    expect(page.locator("main")).to_contain_text("perd aussitôt l'accès au dossier")
    assert_no_axe_violations(page)
    page.get_by_label("Remplacer par").select_option(label="Inès Remplaçante")
    page.get_by_label("Motif").fill("Indisponible jusqu'à la fin du mois.")
    page.get_by_role("button", name="Confirmer le remplacement").click()

    expect(page.locator("h1")).to_have_text("Experts du dossier")
    expect(page.get_by_role("status").first).to_contain_text("Remplacement enregistré")
    section = page.get_by_role("region", name="Éthique", exact=True)
    expect(section).to_contain_text("Inès Remplaçante")
    expect(section).to_contain_text("motif : Indisponible jusqu'à la fin du mois.")
    assert_no_axe_violations(page)

    # A new due date for the GDPR domain; a past one is refused.
    section = page.get_by_role("region", name="RGPD", exact=True)
    section.get_by_role("link", name=re.compile("^Modifier la date de rendu")).click()
    expect(page.locator("h1")).to_have_text("Modifier la date de rendu — RGPD")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Nouvelle date de rendu").fill(yesterday.isoformat())
    page.get_by_label("Motif").fill("Avancée.")
    page.get_by_role("button", name="Confirmer la nouvelle date").click()
    expect(page.locator("main")).to_contain_text("La date de rendu ne peut pas être passée.")
    assert_no_axe_violations(page)
    later = timezone.localdate() + timedelta(days=45)
    page.get_by_label("Nouvelle date de rendu").fill(later.isoformat())
    page.get_by_label("Motif").fill("Pièces volumineuses.")
    page.get_by_role("button", name="Confirmer la nouvelle date").click()
    expect(page.get_by_role("status").first).to_contain_text("Nouvelle date de rendu")

    ethics.refresh_from_db()
    rgpd.refresh_from_db()
    assert ethics.released_at is not None
    assert Assignment.objects.active().get(dossier=evaluating, domain="ethics").expert == newcomer
    assert rgpd.due_on == later
    assert AssignmentChange.objects.filter(dossier=evaluating).count() == 2
    assert OutboxMessage.objects.filter(
        to=previous_expert.email, subject__contains="retirée"
    ).exists()
    assert OutboxMessage.objects.filter(to=newcomer.email).exists()
    assert OutboxMessage.objects.filter(
        to=rgpd.expert.email, subject__contains="nouvelle date de rendu"
    ).exists()

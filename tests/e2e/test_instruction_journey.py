"""The instruction in a browser: the instructor opens the queue, assigns an expert per domain and
starts the evaluation; the ethics expert declares no conflict, gives verdicts (saved as they go)
and signs. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from applications.domain.applicability import applicable_requirements
from applications.models import Dossier
from reviews.models import Assignment, DomainEvaluation, Verdict

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERVICE = "DiabèteFacile"  # organisation B, « Déposé » in the demo data
EXPERTS = {
    "Doctrine du numérique en santé": "Damien Leroy",
    "Éthique": "Élise Moreau",
    "RGPD": "Romain Simon",
}


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")


def _instructor_assigns_and_starts(page, live_server):
    login(page, live_server, "instructor@demo.test", totp=True)
    page.get_by_role("link", name="File d'instruction").click()
    expect(page.locator("h1")).to_have_text("File d'instruction")
    row = page.locator("tbody tr").filter(has_text=SERVICE)
    expect(row).to_contain_text("0 / 3")
    assert_no_axe_violations(page)

    row.get_by_role("link", name=re.compile("^Experts")).click()
    expect(page.locator("h1")).to_have_text("Experts du dossier")
    assert_no_axe_violations(page)
    for domain, person in EXPERTS.items():
        section = page.get_by_role("region", name=domain, exact=True)
        section.locator("select").select_option(label=person)
        section.get_by_role("button", name=f"Affecter — {domain}").click()
        expect(page.get_by_role("status").first).to_contain_text("Affectation enregistrée")
    for person in EXPERTS.values():
        expect(page.get_by_text(person, exact=False).first).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Retour au dossier").click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    expect(page.get_by_role("table", name="Experts par domaine")).to_contain_text("Élise Moreau")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Lancer l'évaluation").click()
    page.get_by_role("button", name="Confirmer : Lancer l'évaluation").click()
    expect(page.locator("main")).to_contain_text("En évaluation")
    _logout(page)


def test_instructor_assigns_experts_and_the_expert_evaluates(page, live_server, demo_data):
    dossier = Dossier.objects.get(service__name=SERVICE)
    _instructor_assigns_and_starts(page, live_server)
    dossier.refresh_from_db()
    assert dossier.state == "under_evaluation"
    assert Assignment.objects.active().filter(dossier=dossier).count() == 3

    # The expert: nothing of the dossier before the declaration.
    login(page, live_server, "expert-ethics@demo.test", totp=True)
    page.get_by_role("link", name="Mes évaluations").click()
    expect(page.locator("h1")).to_have_text("Mes évaluations")
    row = page.locator("tbody tr").filter(has_text=SERVICE)
    expect(row).to_contain_text("Déclaration attendue")
    assert_no_axe_violations(page)
    row.get_by_role("link", name=re.compile("^Déclarer mes intérêts")).click()
    expect(page.locator("h1")).to_have_text("Déclaration d'intérêts")
    expect(page.locator("main")).to_contain_text("Bien-Être Numérique SARL")
    expect(page.locator("main")).not_to_contain_text(dossier.reference)
    assert_no_axe_violations(page)
    page.get_by_text("Je déclare n'avoir aucun conflit d'intérêts avec cet éditeur").click()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()

    # The evaluation screen of the ethics domain.
    expect(page.locator("h1")).to_contain_text("Évaluation « ")
    expect(page.locator("#scores")).to_contain_text("aucune exigence évaluée")
    assert_no_axe_violations(page)
    requirements = [r for r in applicable_requirements(dossier) if r.domain == "ethics"]
    first, *others = requirements

    # « Partiellement conforme » needs a comment: said at once, then saved once written.
    page.locator(f"label[for=avis-{first.code}-partial]").click()
    block = page.locator(f"#avis-{first.code}")
    expect(block).to_contain_text("Un commentaire est obligatoire")
    block.get_by_label("Commentaire").fill("La déclaration d'accessibilité n'est pas datée.")
    expect(page.locator(f"#etat-avis-{first.code}")).to_contain_text("Avis enregistré à")
    expect(block).not_to_contain_text("Un commentaire est obligatoire")
    assert_no_axe_violations(page)
    for requirement in others:
        page.locator(f"label[for=avis-{requirement.code}-compliant]").click()
        expect(page.locator(f"#etat-avis-{requirement.code}")).to_contain_text("Avis enregistré")
    expect(page.locator("#scores")).not_to_contain_text("aucune exigence évaluée")
    assert Verdict.objects.filter(dossier=dossier).count() == len(requirements)

    page.get_by_role("link", name="Signer l'évaluation").first.click()
    expect(page.locator("h1")).to_contain_text("Signer l'évaluation")
    assert_no_axe_violations(page)
    page.get_by_text("Favorable", exact=True).click()
    page.get_by_label("Synthèse").fill("Contenus de qualité ; déclaration d'accessibilité à dater.")
    page.get_by_role("button", name="Signer l'évaluation").click()

    expect(page.locator("main")).to_contain_text("Évaluation signée le")
    expect(page.locator("input[name=verdict]")).to_have_count(0)
    assert_no_axe_violations(page)
    signed = DomainEvaluation.objects.get(dossier=dossier, domain="ethics")
    assert signed.conclusion == "favorable"

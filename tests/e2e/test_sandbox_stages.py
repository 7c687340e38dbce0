"""The unit test stage of a data-exchange dossier, end to end: the editor cannot file yet, uploads
a test report and asks for the stage's validation; the instructor, told by e-mail, reads the
stages page and validates the stage after confirming; the editor then files the dossier. axe
checks every page on the way."""

import pytest
from playwright.sync_api import expect

from applications.domain.applicability import applicable_requirements
from applications.enums import DossierState
from applications.models import Answer, Document, Dossier, Evidence
from sandbox.enums import StageStatus
from sandbox.models import TestStage
from tests.factories.dossiers import TINY_PDF

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR_A = "editor-a@demo.test"
INSTRUCTOR = "instructor@demo.test"


def complete_questionnaire(dossier):
    """The demo draft has a third of its questionnaire answered: answer the rest, as the demo
    answers, so that only the unit test stage stands in the way of filing."""
    actor = dossier.created_by
    answered = set(Answer.objects.filter(dossier=dossier).values_list("requirement", flat=True))
    proof = Document.objects.filter(dossier=dossier).first()
    missing = [r for r in applicable_requirements(dossier) if r.pk not in answered]
    Answer.objects.bulk_create(
        Answer(
            dossier=dossier,
            requirement=requirement,
            status="compliant",
            free_text="Voir la pièce jointe.",
            version=1,
            updated_by=actor,
        )
        for requirement in missing
    )
    Evidence.objects.bulk_create(
        Evidence(dossier=dossier, document=proof, requirement=requirement, attached_by=actor)
        for requirement in missing
        if requirement.evidence_required
    )


def test_editor_gets_the_unit_stage_validated_then_files(page, live_server, demo_data, tmp_path):
    dossier = Dossier.objects.get(service__name="CardioSuivi")  # draft, organisation A, measures
    complete_questionnaire(dossier)
    report = tmp_path / "rapport-tests-unitaires.pdf"
    report.write_bytes(TINY_PDF)

    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.get_by_text("n’est pas validée par l’équipe référencement")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/bac-a-sable/dossiers/{dossier.pk}/tests/")
    expect(page.locator("h1")).to_have_text("Tests d’échange de données")
    expect(page.get_by_test_id("stage-status-unit")).to_have_text("À faire")
    assert_no_axe_violations(page)
    unit = page.locator("#etape-unit-bloc")
    unit.get_by_label("Rapport de tests").set_input_files(str(report))
    unit.get_by_role("button", name="Déposer la pièce").click()
    expect(page.get_by_text("« rapport-tests-unitaires.pdf » est déposé.")).to_be_visible()
    expect(page.get_by_test_id("stage-status-unit")).to_have_text("En cours")
    assert_no_axe_violations(page)
    unit = page.locator("#etape-unit-bloc")
    unit.get_by_label("Commentaire pour l’équipe référencement (facultatif)").fill(
        "Tous les tests passent contre la description publiée de l’API."
    )
    unit.get_by_role("button", name="Demander la validation : Tests unitaires").click()
    expect(page.get_by_text("est demandée à l’équipe référencement")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/bac-a-sable/dossiers/{dossier.pk}/tests/cahier/")
    expect(page.locator("h1")).to_have_text("Cahier de tests")
    assert_no_axe_violations(page)
    page.context.clear_cookies()

    login(page, live_server, INSTRUCTOR, totp=True)
    page.goto(f"{live_server.url}/bac-a-sable/dossiers/{dossier.pk}/tests/")
    expect(page.get_by_text("Validation demandée le")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Valider ou refuser : Tests unitaires").click()
    expect(page.locator("h1")).to_have_text("Décision sur l’étape « Tests unitaires »")
    assert_no_axe_violations(page)
    page.get_by_label("Valider l’étape (réussie)").check(force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Ce champ est obligatoire.")).to_be_visible()  # not confirmed
    assert TestStage.objects.get(dossier=dossier, kind="unit").status == StageStatus.IN_PROGRESS
    assert_no_axe_violations(page)
    page.get_by_label("Valider l’étape (réussie)").check(force=True)
    page.get_by_label("Je confirme cette décision").check(force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("L’étape « Tests unitaires » est validée.")).to_be_visible()
    expect(page.get_by_test_id("stage-status-unit")).to_have_text("Réussi")
    assert_no_axe_violations(page)
    page.context.clear_cookies()

    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    expect(page.get_by_text("n’est pas validée par l’équipe référencement")).to_have_count(0)
    page.get_by_role("link", name="Déposer le dossier").click()
    expect(page.locator("h1")).to_have_text("Déposer le dossier")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Déposer le dossier").click()
    expect(page.get_by_text("Action « Déposer le dossier » effectuée.")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED

"""The complements round in a browser: the ethics expert asks two questions out of the five
lines offered; the editor finds them at the top of the questionnaire and beside their
requirements, the others locked, answers one and transmits after confirming the unanswered one;
the expert then sees what changed on each questioned requirement, though neither had a verdict.
And a new draft's filled button is the questionnaire, withdrawing a tertiary button. axe checks
every page on the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.domain.applicability import applicable_requirements
from applications.models import Dossier
from reviews.models import ComplementItem, ComplementRequest, Verdict

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERVICE = "SommeilPlus"  # organisation B (editor-b), « En évaluation », experts cleared
DRAFT = "CardioSuivi"  # organisation A (editor-a), a draft whose questionnaire is not complete
QUESTIONS = [
    "Pouvez-vous joindre la version datée de ce document ?",
    "Qui relit les contenus avant leur publication ?",
]
ANSWER = "Document daté du 3 mars, relu par notre comité éditorial."


def _url(live_server, name, *args):
    return live_server.url + reverse(name, args=args)


def _ask_two_questions(page, live_server, dossier, asked):
    """The expert, on the dossier page, asks one question on each of `asked`."""
    page.goto(_url(live_server, "applications:dossier-detail", dossier.pk))
    entry = page.get_by_role("link", name="Demander des compléments")
    expect(entry).to_have_count(1)  # one way in, not one per section
    assert_no_axe_violations(page)
    entry.click()
    expect(page.locator("h1")).to_have_text("Demander des compléments")
    lines = page.locator("main form fieldset")
    expect(lines).to_have_count(5)
    assert_no_axe_violations(page)

    # Five blank lines: a French error, nothing written.
    page.get_by_role("button", name="Envoyer la demande de compléments").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choisissez au moins une exigence et posez votre question."
    )
    assert_no_axe_violations(page)
    assert not ComplementRequest.objects.exists()

    for index, (requirement, question) in enumerate(zip(asked, QUESTIONS, strict=True)):
        line = page.locator("main form fieldset").nth(index)
        line.get_by_label("Exigence concernée").select_option(str(requirement.pk))
        line.get_by_label("Question posée à l'éditeur").fill(question)
    page.get_by_role("button", name="Envoyer la demande de compléments").click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    expect(page.locator("main")).to_contain_text("Les compléments sont demandés")
    items = ComplementItem.objects.filter(request__dossier=dossier)
    assert sorted(items.values_list("requirement_id", "question")) == sorted(
        (requirement.pk, question) for requirement, question in zip(asked, QUESTIONS, strict=True)
    )


def _editor_answers_one(page, live_server, dossier, asked, locked):
    login(page, live_server, "editor-b@demo.test")
    page.goto(_url(live_server, "applications:dossier-detail", dossier.pk))
    answer = page.get_by_role("link", name="Répondre aux compléments")
    expect(answer).not_to_have_class(re.compile(r"fr-btn--(secondary|tertiary)"))
    assert_no_axe_violations(page)
    answer.click()

    # At the top: both questions, each with its link.
    top = page.locator("#complements-demandes")
    expect(top).to_contain_text("Compléments demandés : 2 exigences à compléter")
    for question in QUESTIONS:
        expect(top).to_contain_text(question)
    assert_no_axe_violations(page)
    first = asked[0]
    top.get_by_role("link", name=re.compile("^" + re.escape(first.code))).click()

    # Beside the requirement: its question; its form opens and saves as the editor types.
    block = page.locator(f"#exigence-{first.code}")
    expect(block.locator("summary")).to_contain_text(f"Question posée : {QUESTIONS[0]}")
    justification = page.locator(f"#justification-{first.code}")
    expect(justification).to_be_visible()
    justification.fill(ANSWER)
    expect(page.locator(f"#etat-{first.code}")).to_contain_text("Enregistré à")
    assert_no_axe_violations(page)

    # Any other requirement is locked: read-only, with the reason, no form.
    page.goto(_url(live_server, "applications:questionnaire-domain", dossier.pk, locked.domain))
    other = page.locator(f"#exigence-{locked.code}")
    expect(other.locator("summary")).to_contain_text("Verrouillée")
    other.locator("summary").click()
    expect(other).to_contain_text(
        "Verrouillée : la demande de compléments ne porte pas sur cette exigence."
    )
    expect(other.locator("textarea, input[type=file], input[type=radio]")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("Questionnaires")  # not « Accès refusé »
    assert_no_axe_violations(page)


def _editor_transmits(page, live_server, dossier, unanswered):
    page.goto(_url(live_server, "applications:dossier-detail", dossier.pk))
    page.get_by_role("link", name="Transmettre les compléments").click()
    expect(page.locator("h1")).to_have_text("Transmettre les compléments")
    left = page.locator("#questions-sans-reponse")
    expect(left).to_contain_text("1 question reste sans réponse")
    expect(left).to_contain_text(f"{unanswered.code} — {unanswered.title} : {QUESTIONS[1]}")
    assert_no_axe_violations(page)

    confirm = page.get_by_role("button", name="Confirmer : Transmettre les compléments")
    confirm.click()
    expect(page.locator("main")).to_contain_text(
        "Cochez la case pour transmettre sans répondre à toutes les questions"
    )
    dossier.refresh_from_db()
    assert dossier.state == "complements_requested"
    assert_no_axe_violations(page)

    page.get_by_text("Je transmets mes compléments bien que 1 question reste sans réponse.").click()
    page.get_by_role("button", name="Confirmer : Transmettre les compléments").click()
    expect(page.locator("main")).to_contain_text(
        "Action « Transmettre les compléments » effectuée."
    )
    dossier.refresh_from_db()
    assert dossier.state == "under_evaluation"


def test_complements_round_from_the_question_to_what_changed(page, browser, live_server, demo_data):
    dossier = Dossier.objects.get(service__name=SERVICE)
    requirements = applicable_requirements(dossier)
    asked = [r for r in requirements if r.domain == "ethics"][:2]
    locked = next(r for r in requirements if r.domain == "rgpd")
    assert not Verdict.objects.filter(dossier=dossier).exists()

    # The expert keeps their session (a TOTP code serves once): the editor works in a second
    # browser context.
    login(page, live_server, "expert-ethics@demo.test", totp=True)
    _ask_two_questions(page, live_server, dossier, asked)

    editor_context = browser.new_context(locale="fr-FR")
    try:
        editor_page = editor_context.new_page()
        _editor_answers_one(editor_page, live_server, dossier, asked, locked)
        _editor_transmits(editor_page, live_server, dossier, asked[1])
    finally:
        editor_context.close()

    # The expert: what changed since each question, though neither requirement had a verdict.
    page.goto(_url(live_server, "reviews:evaluation", dossier.pk, "ethics"))
    expect(page.locator("h1")).to_contain_text("Évaluation « ")
    answered = page.locator(f"#exigence-{asked[0].code}")
    expect(answered).to_contain_text("Depuis la question (révision 1)")
    expect(answered).to_contain_text("Modifié par l'éditeur entre les révisions 1 et 2")
    expect(answered.locator("ins")).to_contain_text(ANSWER)
    unanswered = page.locator(f"#exigence-{asked[1].code}")
    expect(unanswered).to_contain_text("Depuis la question (révision 1)")
    expect(unanswered).to_contain_text("L'éditeur n'a pas modifié sa réponse depuis la question.")
    assert_no_axe_violations(page)


def test_a_new_draft_leads_to_the_questionnaire_and_withdrawing_is_confirmed(
    page, live_server, demo_data
):
    dossier = Dossier.objects.get(service__name=DRAFT)
    login(page, live_server, "editor-a@demo.test")
    page.goto(_url(live_server, "applications:dossier-detail", dossier.pk))
    expect(page.locator("h1")).to_have_text(DRAFT)
    fill = page.get_by_role("link", name="Remplir les questionnaires")
    expect(fill).not_to_have_class(re.compile(r"fr-btn--(secondary|tertiary)"))
    withdraw = page.get_by_role("link", name="Retirer le dossier")
    expect(withdraw).to_have_class(re.compile(r"\bfr-btn--tertiary\b"))
    # The only filled button of the actions is none: filing waits for the questionnaire.
    expect(page.locator("#actions-title + ul a.fr-btn:not([class*='fr-btn--'])")).to_have_count(0)
    assert_no_axe_violations(page)

    withdraw.click()
    expect(page.locator("h1")).to_have_text("Retirer le dossier")
    expect(page.locator("main")).to_contain_text("Cette action est irréversible.")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Annuler").click()
    expect(page.locator("h1")).to_have_text(DRAFT)
    dossier.refresh_from_db()
    assert dossier.state == "draft"

    fill.click()
    expect(page.locator("h1")).to_contain_text("Questionnaires")

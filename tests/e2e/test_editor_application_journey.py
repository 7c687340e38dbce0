"""A new editor goes from sign-up to a filed dossier, and the answer form works with the keyboard
alone, or without JavaScript. With JavaScript, axe checks every page on the way, error pages
included."""

import re
import time

import pytest
from playwright.sync_api import expect

from applications.enums import DossierState
from applications.models import Answer, Dossier, Evidence, Revision
from applications.referential.loader import load_referential
from portal.notifications.models import OutboxMessage
from tests.factories.dossiers import SMALL_REFERENTIAL, TINY_PDF, dossier_in_state
from tests.factories.people import TEST_PASSWORD

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "camille.durand@tensiosuivi.example"
PASSWORD = "Tensiomètre-bleu-du-mardi-2026"
CONFIRMATION_LINK = re.compile(r"https?://[^/\s]+(/comptes/confirm-email/[^\s]+/)")
#: Only the signature of a PNG image is checked: the bytes after it do not matter.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
#: With the default orientation (users, care), the small referential applies three requirements.
MANDATORY = {"ETH-ACC-01", "RGPD-FIN-01"}
OPTIONAL = {"DOC-HDS-02"}


def _pdf(name="preuve.pdf"):
    return {"name": name, "mimeType": "application/pdf", "buffer": TINY_PDF}


def _sign_up_and_confirm(page, live_server):
    page.goto(f"{live_server.url}/comptes/signup/")
    assert_no_axe_violations(page)
    form = page.locator("form").filter(has=page.locator("input[name=password1]"))
    form.locator("input[name=first_name]").fill("Camille")
    form.locator("input[name=last_name]").fill("Durand")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/comptes/confirm-email/")
    assert_no_axe_violations(page)

    message = OutboxMessage.objects.filter(to=EMAIL).order_by("-created_at", "-pk").first()
    assert message is not None, "no verification e-mail in the outbox"
    link = CONFIRMATION_LINK.search(message.body)
    assert link, f"no confirmation link in:\n{message.body}"
    page.goto(live_server.url + link.group(1))
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("main form").get_by_role("button").click()

    if "/comptes/login/" in page.url:
        login(page, live_server, EMAIL, password=PASSWORD, check_accessibility=True)
    page.wait_for_url(f"{live_server.url}/")


def _create_organisation(page):
    expect(page.locator("h1")).to_have_text("Mes dossiers")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Créer mon organisation").click()
    expect(page.locator("h1")).to_have_text("Créer mon organisation")
    assert_no_axe_violations(page)
    page.get_by_label("Raison sociale").fill("TensioSuivi SAS")
    page.get_by_label("SIREN").fill("812 345 676")
    page.get_by_label("Adresse").fill("12 rue des Lilas")
    page.get_by_label("Code postal").fill("35000")
    page.get_by_label("Commune").fill("Rennes")
    page.get_by_role("button", name="Créer l'organisation").click()
    expect(page.locator("h1")).to_have_text("Mes dossiers")
    expect(page.get_by_text("L'organisation « TensioSuivi SAS » a été créée.")).to_be_visible()


def _check(page, input_id):
    """Tick a radio or checkbox the way a person does: DSFR labels cover their inputs."""
    page.locator(f"label[for={input_id}]").click()
    expect(page.locator(f"#{input_id}")).to_be_checked()


def _describe_service(page):
    page.get_by_role("link", name="Décrire un nouveau service").click()
    expect(page.locator("h1")).to_have_text("Décrire un nouveau service")
    assert_no_axe_violations(page)
    page.get_by_label("Nom du service").fill("TensioSuivi")
    page.get_by_label("Description courte").fill("Suivre sa tension artérielle au quotidien.")
    page.get_by_label("Adresse du site web").fill("https://tensiosuivi.example.fr/")
    _check(page, page.get_by_label("Gratuit", exact=True).get_attribute("id"))
    _check(page, page.get_by_role("checkbox", name="Maladies chroniques").get_attribute("id"))
    _check(page, "id_regions_0")  # Toute la France
    _check(page, "id_has_connected_devices_1")
    _check(page, "id_is_medical_device_1")
    _check(page, "id_requests_data_exchange_1")
    page.get_by_role("button", name="Enregistrer le service").click()

    expect(page.locator("h1")).to_have_text("Questionnaire d'orientation")
    assert_no_axe_violations(page)
    _check(page, "id_targets_users_0")
    _check(page, page.get_by_role("checkbox", name="Soin", exact=True).get_attribute("id"))
    for name in (
        "uses_ai",
        "stores_health_data",
        "has_professional_users",
        "publishes_health_content",
    ):
        _check(page, f"id_{name}_1")
    page.get_by_role("button", name="Enregistrer mes réponses").click()

    expect(page.locator("h1")).to_have_text("TensioSuivi")
    eligibility = page.get_by_role("region", name="Éligibilité")
    expect(eligibility).to_contain_text("Éligible")
    requirements = page.get_by_role("region", name="Exigences applicables")
    for code in sorted(MANDATORY | OPTIONAL):
        expect(requirements).to_contain_text(code)
    expect(requirements).not_to_contain_text("DOC-HDS-01")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Créer le dossier de candidature").click()


def _open(page, code):
    """Open a requirement as a person does (a click on its summary) and wait for its form, which
    the page loads then (htmx)."""
    block = page.locator(f"#exigence-{code}")
    expect(block).not_to_have_attribute("open", "")
    expect(block.locator(f"#statut-{code}-compliant")).to_have_count(0)  # not loaded before
    block.locator("summary").click()
    expect(block).to_have_attribute("open", "")
    expect(block.locator(f"#statut-{code}-compliant")).to_be_attached()
    return block


def _answer(page, code, dossier, *, failed_upload, check_accessibility=False):
    block = _open(page, code)
    if check_accessibility:
        assert_no_axe_violations(page)  # the list, with one requirement's form loaded in it
    state = block.locator(f"#etat-{code}")
    summary_state = page.locator(f"#bilan-{code}")
    if code in MANDATORY:
        expect(summary_state).to_contain_text("À répondre")
        block.locator(f"label[for=statut-{code}-compliant]").click()
        expect(state).to_contain_text("Enregistré à")
        # The collapsed line's state follows the autosave.
        expect(summary_state).to_contain_text("Conforme")
        expect(summary_state).to_contain_text("Pièce justificative manquante")
        upload = block.locator(f"#fichier-{code}")
        if failed_upload:
            upload.set_input_files(
                {"name": "capture.pdf", "mimeType": "application/pdf", "buffer": PNG_BYTES}
            )
            block.get_by_role("button", name="Déposer les fichiers").click()
            refused = (
                "Le fichier « capture.pdf » est en réalité une image PNG : renommez-le ou "
                "déposez le bon fichier."
            )
            # Next to the field, and summed up at the top of the page, which is where a
            # reloaded page leaves the reader; the title says so too.
            expect(page.locator(f"#fichier-{code}-erreur")).to_have_text(refused)
            expect(block).to_contain_text("Aucune pièce déposée.")
            expect(page).to_have_title(re.compile(r"^Erreur : "))
            summary = page.get_by_role("alert").filter(has_text="Le fichier n'a pas été déposé")
            expect(summary).to_contain_text(refused)
            assert not Evidence.objects.filter(dossier=dossier).exists()
            assert_no_axe_violations(page)
            summary.get_by_role("link", name=f"Choisir un autre fichier pour {code}").click()
            expect(upload).to_be_focused()
        upload.set_input_files(_pdf())
        block.get_by_role("button", name="Déposer les fichiers").click()
        expect(
            page.get_by_text(f"Pièce « preuve.pdf » ajoutée à l'exigence {code}.")
        ).to_be_visible()
        # Back on the page with that requirement open, its file listed and counted.
        expect(block).to_have_attribute("open", "")
        expect(block.get_by_role("link", name="preuve.pdf")).to_be_visible()
        expect(summary_state).to_contain_text("1 pièce")
        expect(summary_state).not_to_contain_text("manquante")
    else:
        block.locator(f"label[for=statut-{code}-not_applicable]").click()
        expect(state).to_contain_text("Enregistré à")
        expect(block.locator(f"#version-{code}")).to_have_value("1")
        expect(summary_state).to_contain_text("Justification manquante")
        block.get_by_label("Justification").fill("Le service ne conserve aucune donnée.")
        expect(block.locator(f"#version-{code}")).to_have_value("2")
        expect(state).to_contain_text("Enregistré à")
        expect(summary_state).to_contain_text("Non applicable")
        expect(summary_state).not_to_contain_text("manquante")


def test_editor_files_a_dossier_from_sign_up_to_submission(page, live_server):
    load_referential(SMALL_REFERENTIAL)

    _sign_up_and_confirm(page, live_server)
    _create_organisation(page)
    _describe_service(page)

    expect(page.locator("h1")).to_have_text("TensioSuivi")
    expect(page.get_by_text("Brouillon", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    dossier = Dossier.objects.get(service__name="TensioSuivi")
    assert page.url == f"{live_server.url}/dossiers/{dossier.pk}/"

    page.get_by_role("link", name="Questionnaires").click()
    menu = page.get_by_role("navigation", name="Domaines")
    domains = menu.get_by_role("link")
    expect(domains).to_have_count(3)
    answered = []
    failed_upload = True
    for index in range(3):
        page.get_by_role("navigation", name="Domaines").get_by_role("link").nth(index).click()
        current = page.get_by_role("navigation", name="Domaines").locator("[aria-current=page]")
        expect(current).to_have_count(1)
        assert_no_axe_violations(page)  # every requirement collapsed
        codes = [
            requirement.get_attribute("id").removeprefix("exigence-")
            for requirement in page.locator("details.portal-requirement").all()
        ]
        for code in codes:
            _answer(
                page,
                code,
                dossier,
                failed_upload=failed_upload and code in MANDATORY,
                check_accessibility=not answered,
            )
            failed_upload = failed_upload and code not in MANDATORY
            answered.append(code)
    assert sorted(answered) == sorted(MANDATORY | OPTIONAL)

    page.get_by_role("link", name="Vérifier la complétude").click()
    expect(page.locator("h1")).to_have_text("Complétude du dossier")
    expect(page.get_by_text("Le dossier est complet")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Retour au dossier").click()
    page.get_by_role("link", name="Déposer le dossier").click()
    expect(page.locator("h1")).to_have_text("Déposer le dossier")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Déposer le dossier").click()

    expect(page.locator("h1")).to_have_text("TensioSuivi")
    expect(page.get_by_text("Action « Déposer le dossier » effectuée.")).to_be_visible()
    expect(page.locator("main p.fr-badge").first).to_have_text("Déposé")
    timeline = page.get_by_role("region", name="Historique du dossier")
    expect(timeline.get_by_role("listitem").first).to_contain_text("Dépôt du dossier")
    assert_no_axe_violations(page)

    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    revision = Revision.objects.get(dossier=dossier)
    assert revision.number == 1
    assert revision.answers.count() == 3
    assert Evidence.objects.filter(dossier=dossier, removed_at__isnull=True).count() == 2


def _tab_until(page, element_id, *, backwards=False, limit=200):
    """Press Tab (or Shift+Tab) until the element with this id has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if _focused_id(page) == element_id:
            return
        page.keyboard.press(key)
    pytest.fail(f"#{element_id} not reached with {limit} × {key}")


def _focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def _answer_of(dossier, code):
    return Answer.objects.filter(dossier=dossier, requirement__code=code).first()


def _wait_for(condition, timeout=10):
    """Poll the database (the live server's commits) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the autosave to reach the database")
        time.sleep(0.1)


def _radio_outline(page, radio_id):
    return page.evaluate(
        "id => getComputedStyle(document.querySelector(`label[for='${id}']`), '::before')"
        ".outlineStyle",
        radio_id,
    )


def test_answer_form_is_usable_with_the_keyboard_alone(page, live_server):
    dossier, cast = dossier_in_state("draft", filled=False)
    login(page, live_server, cast.editor.email, password=TEST_PASSWORD, check_accessibility=True)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/questionnaire/")
    code = "DOC-HDS-02"
    first_radio = f"statut-{code}-compliant"
    textarea = f"justification-{code}"
    requirement = page.locator(f"#exigence-{code}")

    # The requirement is collapsed: Tab reaches its summary, Enter opens it and loads its form;
    # the focus stays on the summary, and Tab goes on into the form.
    _tab_until(page, f"resume-{code}")
    expect(requirement).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(requirement).to_have_attribute("open", "")
    expect(page.locator(f"#{first_radio}")).to_be_attached()
    assert _focused_id(page) == f"resume-{code}"
    assert_no_axe_violations(page)

    # The « Enregistré à » line is a live region: it must stay the same node across saves, or
    # screen readers may not read the new text.
    page.locator(f"#etat-{code}").evaluate("node => { node.dataset.original = 'yes'; }")

    # Tab enters the radio group on its first option; the arrow keys move and select.
    _tab_until(page, first_radio)
    # The DSFR draws the radio button in its label's ::before, and the focus ring around it.
    assert _radio_outline(page, first_radio) != "none", "no focus indicator on the radio button"
    assert _radio_outline(page, f"statut-{code}-not_applicable") == "none"
    page.keyboard.press("ArrowRight")
    assert _focused_id(page) == f"statut-{code}-non_compliant"
    expect(page.locator(f"#statut-{code}-non_compliant")).to_be_checked()
    expect(page.locator(f"#version-{code}")).to_have_value("1")
    expect(page.locator(f"#etat-{code}")).to_contain_text("Enregistré à")

    # Out of the group, the justification comes next.
    page.keyboard.press("Tab")
    assert _focused_id(page) == textarea
    outline = page.evaluate(
        "id => getComputedStyle(document.getElementById(id)).outlineStyle", textarea
    )
    assert outline != "none", "no visible focus indicator on the focused textarea"
    sentence = "La procédure de réversibilité sera rédigée avant la fin du trimestre."
    page.keyboard.type(sentence)
    # Saved one second after the last key (more than once if the typing paused that long).
    expect(page.locator(f"#version-{code}")).not_to_have_value("1")
    _wait_for(lambda: _answer_of(dossier, code).justification == sentence)
    expect(page.locator(f"#etat-{code}")).to_contain_text("Enregistré à")
    assert _focused_id(page) == textarea, "the autosave took the focus away from the textarea"
    assert page.locator(f"#etat-{code}").get_attribute("data-original") == "yes", (
        "the autosave replaced the live region instead of its text"
    )

    # Shift+Tab goes back to the selected radio button, Tab to the justification again.
    page.keyboard.press("Shift+Tab")
    assert _focused_id(page) == f"statut-{code}-non_compliant"
    page.keyboard.press("Tab")
    assert _focused_id(page) == textarea

    answer = _answer_of(dossier, code)
    assert answer.status == "non_compliant"
    assert answer.justification == sentence

    # Closed again with the keyboard, the summary tells the answer.
    _tab_until(page, f"resume-{code}", backwards=True)
    page.keyboard.press("Enter")
    expect(requirement).not_to_have_attribute("open", "")
    expect(page.locator(f"#bilan-{code}")).to_contain_text("Non conforme")

    # A link to the requirement (#exigence-CODE, as the reviewers' pages give) opens it, its
    # form loaded, the focus on its summary.
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/questionnaire/doctrine/#exigence-{code}")
    expect(requirement).to_have_attribute("open", "")
    expect(page.locator(f"#statut-{code}-non_compliant")).to_be_checked()
    expect(page.locator(f"#{textarea}")).to_have_value(sentence)
    expect(page.locator(f"#resume-{code}")).to_be_focused()
    assert_no_axe_violations(page)


def test_answer_form_works_without_javascript(browser, live_server):
    """Without JavaScript nothing is lost: a requirement's summary opens (natively) on a link to
    the page with its form, which posts and comes back with the requirement open."""
    dossier, cast = dossier_in_state("draft", filled=False)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = context.new_page()
        login(page, live_server, cast.editor.email, password=TEST_PASSWORD)
        page.goto(f"{live_server.url}/dossiers/{dossier.pk}/questionnaire/ethics/")
        code = "ETH-ACC-01"
        requirement = page.locator(f"#exigence-{code}")
        requirement.locator("summary").click()
        expect(requirement).to_have_attribute("open", "")
        requirement.get_by_role("link", name=f"Répondre à l'exigence {code}").click()

        expect(requirement).to_have_attribute("open", "")
        assert f"?exigence={code}" in page.url
        requirement.locator(f"label[for=statut-{code}-not_applicable]").click()
        requirement.get_by_label("Justification").fill("Aucune interface graphique.")
        requirement.get_by_role("button", name="Enregistrer").click()

        expect(page.get_by_text(f"Réponse à l'exigence {code} enregistrée.")).to_be_visible()
        expect(requirement).to_have_attribute("open", "")
        expect(page.locator(f"#bilan-{code}")).to_contain_text("Non applicable")
        expect(page.locator(f"#justification-{code}")).to_have_value("Aucune interface graphique.")
    finally:
        context.close()
    answer = _answer_of(dossier, code)
    assert (answer.status, answer.justification) == (
        "not_applicable",
        "Aucune interface graphique.",
    )

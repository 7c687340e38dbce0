"""The editor uploads three files at once to the dossier's documents, sees each one's progress
and result without a page reload, attaches one of them to two requirements, and sees where it
is used; axe checks every page on the way."""

import pytest
from playwright.sync_api import expect

from applications.enums import DossierState
from applications.models import Document, Evidence
from tests.factories.dossiers import TINY_PDF, dossier_in_state
from tests.factories.people import TEST_PASSWORD

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Big enough for the upload to take a moment under the throttled network below.
PADDING = 192 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * PADDING


def _pdf(name, marker):
    content = TINY_PDF + b"%" + marker + b"0" * PADDING + b"\n"
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def _slow_uploads(page):
    """About 256 kB/s upwards, so that each file's progress shows between 0 and 100 %."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": 256 * 1024,
        },
    )
    return session


def test_editor_uploads_three_files_at_once_and_attaches_one_to_two_requirements(page, live_server):
    dossier, cast = dossier_in_state(DossierState.DRAFT, filled=False)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, cast.editor.email, password=TEST_PASSWORD)

    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/documents/")
    expect(page.locator("h1")).to_contain_text("Documents du dossier")
    expect(page.get_by_role("heading", name="Aucun document déposé")).to_be_visible()
    assert_no_axe_violations(page)

    _slow_uploads(page)
    page.get_by_label("Fichiers à déposer").set_input_files(
        [
            _pdf("charte.pdf", b"charte"),
            _pdf("registre.pdf", b"registre"),
            {"name": "capture.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    address = page.url
    page.get_by_role("button", name="Déposer les fichiers").click()

    progress = page.locator("#documents-progression progress")
    expect(progress).to_have_count(3)
    # A file on its way: its bar between 0 and 100 %, its state saying so.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#documents-progression progress')]"
        ".some((bar) => bar.value > 0 && bar.value < 100)"
    )
    status = page.get_by_role("status").filter(has_text="Envoi des fichiers choisis")
    expect(status).to_contain_text("Envoi terminé : la liste des documents est à jour.")
    for name in ("charte.pdf", "registre.pdf", "capture.png"):
        expect(status).to_contain_text(f"« {name} » est déposé.")
    for index in range(3):
        expect(progress.nth(index)).to_have_js_property("value", 100)
    assert page.url == address  # no page reload
    listing = page.get_by_role("region", name="3 documents déposés")
    expect(listing.get_by_role("row")).to_have_count(4)  # the header and three documents
    assert not errors, errors
    assert_no_axe_violations(page)  # the progress list and the refreshed list
    assert Document.objects.filter(dossier=dossier).count() == 3

    listing.get_by_role("link", name="Choisir les exigences de « charte.pdf »").click()
    expect(page.locator("h1")).to_have_text("Exigences justifiées par « charte.pdf »")
    assert_no_axe_violations(page)
    for code in ("ETH-ACC-01", "RGPD-FIN-01"):
        page.locator(f"label[for=exigence-{code}]").click()
        expect(page.locator(f"#exigence-{code}")).to_be_checked()
    page.get_by_role("button", name="Enregistrer les exigences").click()

    expect(
        page.get_by_text("Les exigences du document « charte.pdf » sont enregistrées.")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="charte.pdf")
    expect(row).to_contain_text("ETH-ACC-01 — Déclaration d'accessibilité")
    expect(row).to_contain_text("RGPD-FIN-01 — Registre des traitements")
    for other in ("registre.pdf", "capture.png"):
        expect(page.get_by_role("row").filter(has_text=other)).to_contain_text("Aucune exigence")
    assert_no_axe_violations(page)
    links = Evidence.objects.filter(dossier=dossier, removed_at=None)
    assert sorted(link.requirement.code for link in links) == ["ETH-ACC-01", "RGPD-FIN-01"]
    assert {link.document.name for link in links} == {"charte.pdf"}

    # Where it is used leads to the requirement, whose evidence block lists it.
    row.get_by_role("link", name="ETH-ACC-01").click()
    block = page.locator("#exigence-ETH-ACC-01")
    expect(block).to_have_attribute("open", "")
    expect(block.get_by_role("link", name="charte.pdf")).to_be_visible()
    assert_no_axe_violations(page)

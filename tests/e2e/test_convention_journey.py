"""The convention in a browser: the editor's representative reads it, fills in who signs and in
what capacity, ticks the statement, confirms the irreversible signature; the administrator
countersigns it the same way; the page then shows both signatures and offers the signed PDF.
axe checks every page on the way."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from conventions.models import Convention
from portal.signing import verify_pdf
from tests.conventions.helpers import read
from tests.factories.conventions import drawn_up
from tests.factories.people import TEST_PASSWORD

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    """The convention's files in a folder of this test (the live server's thread shares it)."""


def _off_the_event_loop(function, *args):
    """Run `function` in a thread of its own: pyHanko signs and verifies through asyncio.run(),
    which cannot run in this thread while Playwright's event loop does (the live server's
    threads have none)."""

    def call():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _verified(convention_pk):
    convention = Convention.objects.get(pk=convention_pk)
    return [report.ok for report in verify_pdf(read(convention.admin_signed_pdf))]


def test_editor_signs_then_the_administration_countersigns(page, live_server):
    convention, cast = _off_the_event_loop(drawn_up)
    url = f"{live_server.url}/conventions/dossier/{convention.dossier_id}/"

    login(page, live_server, cast.editor.email, password=TEST_PASSWORD)
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Convention de référencement")
    expect(page.locator("main")).to_contain_text("En attente de la signature de l'éditeur")
    expect(page.locator("main")).to_contain_text(convention.pdf_sha256)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Signer la convention").click()
    expect(page.locator("h1")).to_have_text("Signer la convention pour l'éditeur")
    assert_no_axe_violations(page)
    page.get_by_label("Prénom et nom du signataire").fill("Camille Martin")
    page.get_by_label("Qualité du signataire").fill("Présidente")
    page.locator("label[for=id_statement_accepted]").click()
    expect(page.locator("#id_statement_accepted")).to_be_checked()
    page.get_by_role("button", name="Continuer vers la confirmation").click()

    expect(page.locator("h1")).to_have_text("Confirmer la signature")
    expect(page.locator("main")).to_contain_text("Cette action est irréversible.")
    assert_no_axe_violations(page)
    assert not Convention.objects.get(pk=convention.pk).is_accepted  # not before confirming
    page.get_by_role("button", name="Confirmer et signer la convention").click()

    expect(page.get_by_text("Vous avez signé la convention")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Camille Martin, Présidente")
    assert_no_axe_violations(page)
    assert Convention.objects.get(pk=convention.pk).editor_signer == cast.editor

    page.context.clear_cookies()
    login(page, live_server, cast.admin.email, totp=True, password=TEST_PASSWORD)
    page.goto(url)
    page.get_by_role("link", name="Contresigner la convention").click()
    expect(page.locator("h1")).to_have_text("Contresigner la convention pour l'administration")
    assert_no_axe_violations(page)
    page.get_by_label("Prénom et nom du signataire").fill("Dominique Bernard")
    page.get_by_role("button", name="Continuer vers la confirmation").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer et contresigner la convention").click()

    expect(page.get_by_text("La convention est signée par les deux parties")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Signée par les deux parties")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="signée par les deux parties").click()
    assert download.value.suggested_filename == f"convention-{convention.number}-signee.pdf"

    convention = Convention.objects.get(pk=convention.pk)
    assert convention.is_signed and convention.admin_signatory_name == "Dominique Bernard"
    assert _off_the_event_loop(_verified, convention.pk) == [True, True]

"""Suspension and reinstatement as signed decisions, in a browser: the administrator suspends a
published service from its dossier (a past deadline is refused first), sees the numbered
decision on the dossier page and downloads its signed PDF once the job has produced it; the
service's public page is gone and the change feed gives the public motive with the decision's
number; the administrator then reinstates it (how it was fixed), and the public page is back
with both numbers in its history. axe checks every page on the way."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from catalogue.models import Listing
from decisions.domain.documents import decision_render
from decisions.enums import DecisionKind
from decisions.models import Decision
from portal.signing import verify_pdf
from tests.catalogue.helpers import published
from tests.factories.people import TEST_PASSWORD

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOTIVES = "Le contrôle a constaté que les données de santé sont hébergées hors HDS."
REMEDY = "Transférer les données chez un hébergeur certifié HDS."
PUBLIC_MOTIVE = "Hébergement des données en cours de mise en conformité."
FIXED = "Les données sont hébergées chez un hébergeur certifié HDS depuis le 1er du mois."
BACK = "Hébergement des données mis en conformité."


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    """The decisions' PDFs in a folder of this test (the live server's thread shares it)."""


def _off_the_event_loop(function, *args):
    """Run `function` in a thread of its own: pyHanko signs and verifies through asyncio.run(),
    which cannot run in this thread while Playwright's event loop does."""

    def call():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _render(decision_pk):
    return decision_render(decision_id=decision_pk) is not None


def _verified(decision_pk):
    decision = Decision.objects.get(pk=decision_pk)
    with decision.pdf.open("rb") as stream:
        return [(r.ok, r.signer_name) for r in verify_pdf(stream.read())]


def _french(day) -> str:
    with translation.override("fr"):
        return date_format(day, "j F Y")


def test_the_admin_suspends_with_a_signed_decision_then_reinstates(page, live_server):
    dossier, cast, listing = _off_the_event_loop(published)
    dossier_url = f"{live_server.url}/dossiers/{dossier.pk}/"
    public_url = f"{live_server.url}/catalogue/services/{listing.slug}/"
    deadline = timezone.localdate() + timedelta(days=30)

    login(page, live_server, cast.admin.email, totp=True, password=TEST_PASSWORD)
    page.goto(dossier_url)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Suspendre", exact=True).click()

    expect(page.locator("h1")).to_have_text("Suspendre")
    expect(page.locator("main")).to_contain_text("retiré du catalogue jusqu'à sa réintégration")
    assert_no_axe_violations(page)
    main = page.locator("main")
    main.get_by_label("Motifs de la suspension").fill(MOTIVES)
    main.get_by_label("Ce que l'éditeur doit corriger").fill(REMEDY)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    main.get_by_label("Date limite de correction").fill(past)
    main.get_by_label("Motif public (obligatoire)").fill(PUBLIC_MOTIVE)
    page.get_by_role("button", name="Confirmer : Suspendre").click()

    expect(main).to_contain_text("La date limite de correction ne peut pas être passée")
    assert_no_axe_violations(page)
    assert not Decision.objects.filter(dossier=dossier, kind=DecisionKind.SUSPENSION).exists()
    expect(main.get_by_label("Motifs de la suspension")).to_have_value(MOTIVES)
    main.get_by_label("Date limite de correction").fill(deadline.isoformat())
    page.get_by_role("button", name="Confirmer : Suspendre").click()

    page.wait_for_url(dossier_url)
    suspension = Decision.objects.get(dossier=dossier, kind=DecisionKind.SUSPENSION)
    decisions = page.locator("section[aria-labelledby=decisions-title]")
    expect(decisions).to_contain_text(f"Décision n° {suspension.number}")
    expect(decisions).to_contain_text("Suspension du référencement")
    expect(decisions).to_contain_text(f"Correction demandée au plus tard le {_french(deadline)}.")
    expect(decisions).to_contain_text("Document en cours de génération.")
    assert_no_axe_violations(page)

    assert _off_the_event_loop(_render, suspension.pk)
    page.reload()
    link = page.get_by_role("link", name=f"Télécharger la décision n° {suspension.number}")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"decision-{suspension.number}.pdf"
    assert _off_the_event_loop(_verified, suspension.pk) == [(True, suspension.signatory_name)]

    # The public, in a browser context of its own (the administrator stays signed in: a second
    # sign-in within the same TOTP period would reuse its code, which allauth refuses).
    visitor = page.context.browser.new_page(locale="fr-FR")
    assert visitor.goto(public_url).status == 404
    assert not Listing.objects.get(pk=listing.pk).listed
    feed = json.loads(visitor.goto(f"{live_server.url}/catalogue/flux.json").text())
    [item] = [i for i in feed["items"] if i["_referencement"]["evenement"] == "suspended"]
    assert item["_referencement"]["decision"] == suspension.number
    assert PUBLIC_MOTIVE in item["content_text"]
    atom = visitor.goto(f"{live_server.url}/catalogue/flux.atom").text()
    assert f"Motif : {PUBLIC_MOTIVE}" in atom and f"Décision n° {suspension.number}" in atom

    page.goto(dossier_url)
    page.get_by_role("link", name="Réintégrer", exact=True).click()
    expect(page.locator("h1")).to_have_text("Réintégrer")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Réintégrer").click()
    expect(main).to_contain_text("Indiquez comment l'éditeur a corrigé le manquement.")
    assert_no_axe_violations(page)
    main.get_by_label("Comment le manquement a été corrigé").fill(FIXED)
    main.get_by_label("Motif public (obligatoire)").fill(BACK)
    page.get_by_role("button", name="Confirmer : Réintégrer").click()

    page.wait_for_url(dossier_url)
    reinstatement = Decision.objects.get(dossier=dossier, kind=DecisionKind.REINSTATEMENT)
    assert reinstatement.suspension_id == suspension.pk
    expect(decisions).to_contain_text(f"Lève la suspension n° {suspension.number}.")
    assert_no_axe_violations(page)

    assert visitor.goto(public_url).status == 200
    history = visitor.locator("main table")
    expect(history).to_contain_text(PUBLIC_MOTIVE)
    expect(history).to_contain_text(f"n° {suspension.number}")
    expect(history).to_contain_text(f"n° {reinstatement.number}")
    assert_no_axe_violations(visitor)
    visitor.close()

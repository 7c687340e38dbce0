"""The commission and the ministry in a browser: the chair opens the vote on AsthmeContrôle and
votes, a member votes, the chair closes the vote and records the opinion; the ministry decides and
sees its document being produced (no Celery worker here). Then the suspensive reservations of
NutriSanté: the editor answers, the instructor lifts them. axe checks every page on the way."""

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from applications.models import Dossier, TransitionLog
from decisions.models import Decision
from reviews.models import AgendaItem, ReservationResponse, Vote

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERVICE = "AsthmeContrôle"  # « En commission » on the upcoming demo session
SESSION = "Commission de référencement — séance de démonstration"
PAST_SESSION = "Commission de référencement — séance passée (démonstration)"
CHAIR = "commission-chair@demo.test"
MEMBER = "commission-member-1@demo.test"


_LAST_CODE_PERIOD: dict[str, int] = {}


def _login(page, live_server, email, **kwargs):
    """`login`, waiting for a fresh TOTP period when the same person signed in during the current
    one (allauth refuses a code used twice)."""
    period = settings.MFA_TOTP_PERIOD
    if _LAST_CODE_PERIOD.get(email) == int(time.time()) // period:
        time.sleep(period - time.time() % period + 0.2)
    login(page, live_server, email, **kwargs)
    _LAST_CODE_PERIOD[email] = int(time.time()) // period


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")


def _open_item(page, reference, *, check=False):
    page.get_by_role("link", name="Commission", exact=True).click()
    expect(page.locator("h1")).to_have_text("Séances de la commission")
    if check:
        expect(page.locator("tbody")).to_contain_text(PAST_SESSION)
        assert_no_axe_violations(page)
    page.get_by_role("link", name=SESSION).click()
    expect(page.locator("h1")).to_have_text(SESSION)
    if check:
        expect(page.locator("main")).to_contain_text("plus de la moitié des membres sans conflit")
        assert_no_axe_violations(page)
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_have_text(SERVICE)


def _vote(page, opinion, comment=""):
    block = page.locator("#mon-vote")
    block.get_by_text(opinion, exact=True).click()
    if comment:
        block.get_by_label("Commentaire").fill(comment)
    block.get_by_role("button", name=re.compile("mon vote$")).click()
    expect(page.locator("#mon-vote")).to_contain_text("Votre vote est enregistré.")
    expect(page.locator("#mon-vote")).to_contain_text(f"Votre vote actuel : {opinion}")


def test_chair_and_member_vote_then_the_ministry_decides(page, live_server, demo_data):
    dossier = Dossier.objects.get(service__name=SERVICE)
    item = AgendaItem.objects.get(dossier=dossier)

    # The chair opens the vote and votes.
    _login(page, live_server, CHAIR, totp=True)
    _open_item(page, dossier.reference, check=True)
    expect(page.locator("main")).to_contain_text("Avis proposé par l'évaluation")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ouvrir le vote").click()
    expect(page.locator("#etat-vote")).to_contain_text("sur 3 membre(s) pouvant voter")
    _vote(page, "Favorable")
    assert_no_axe_violations(page)
    _logout(page)

    # A member votes, with the comment a reserved opinion requires.
    login(page, live_server, MEMBER, totp=True)
    _open_item(page, dossier.reference)
    _vote(page, "Favorable avec réserves non suspensives", "Notice d'utilisation à compléter.")
    assert_no_axe_violations(page)
    _logout(page)
    assert Vote.objects.filter(item=item).count() == 2

    # The chair closes the vote (a tie: the chair's vote settles it) and records the opinion.
    _login(page, live_server, CHAIR, totp=True)
    _open_item(page, dossier.reference)
    page.get_by_role("button", name="Clore le vote").click()
    expect(page.locator("main")).to_contain_text("Avis issu du vote : Favorable")
    expect(page.get_by_role("table", name="Votes des membres")).to_contain_text(
        "Notice d'utilisation à compléter."
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Enregistrer l'avis de la commission").click()
    expect(page.locator("h1")).to_have_text("Enregistrer l'avis de la commission")
    expect(page.locator("select[name=transition-opinion]")).to_be_disabled()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Enregistrer l'avis de la commission").click()
    expect(page.locator("main")).to_contain_text("Avis de la commission : Favorable")
    assert_no_axe_violations(page)
    _logout(page)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.opinion) == ("opinion_favorable", "favorable")

    # The ministry decides, with motives; the PDF waits for a worker.
    login(page, live_server, "ministry@demo.test", totp=True)
    expect(page.locator("h1")).to_have_text("Dossiers soumis à décision")
    assert_no_axe_violations(page)
    page.locator("tbody tr").filter(has_text=SERVICE).get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    page.get_by_role("link", name="Prendre la décision").click()
    expect(page.locator("h1")).to_have_text("Prendre la décision")
    assert_no_axe_violations(page)
    page.locator("select[name=transition-outcome]").select_option(label="Référencé")
    page.get_by_label("Motifs de la décision").fill("Le service satisfait au référentiel.")
    page.get_by_role("button", name="Confirmer : Prendre la décision").click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    expect(page.locator("main")).to_contain_text("Document en cours de génération")
    assert_no_axe_violations(page)
    decision = Decision.objects.get(dossier=dossier)
    assert decision.motives == "Le service satisfait au référentiel."
    assert Dossier.objects.get(pk=dossier.pk).state == "referenced"


def test_editor_answers_reservations_and_the_instructor_lifts_them(page, live_server, demo_data):
    dossier = Dossier.objects.get(service__name="NutriSanté")  # organisation A, reserved

    login(page, live_server, "editor-a@demo.test")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    section = page.get_by_role("region", name="Commission de référencement")
    expect(section).to_contain_text("Réserves suspensives à lever")
    assert_no_axe_violations(page)
    section.get_by_label("Votre réponse aux réserves").fill("Attestation HDS 2026 jointe.")
    section.get_by_role("button", name="Répondre aux réserves").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre réponse est transmise")
    assert_no_axe_violations(page)
    _logout(page)
    assert ReservationResponse.objects.filter(dossier=dossier).count() == 1

    login(page, live_server, "instructor@demo.test", totp=True)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    section = page.get_by_role("region", name="Commission de référencement")
    expect(section).to_contain_text("Attestation HDS 2026 jointe.")
    section.get_by_role("link", name="Lever les réserves").click()
    expect(page.locator("h1")).to_have_text("Lever les réserves")
    assert_no_axe_violations(page)
    page.get_by_label("Motif (obligatoire)").fill("Attestation vérifiée.")
    page.get_by_role("button", name="Confirmer : Lever les réserves").click()
    expect(page.locator("main")).to_contain_text("Avis favorable")
    assert_no_axe_violations(page)
    assert TransitionLog.objects.filter(dossier=dossier).latest("seq").transition == (
        "lift_reservations"
    )

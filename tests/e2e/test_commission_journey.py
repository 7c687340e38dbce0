"""The commission and the ministry in a browser: the chair cannot open the vote on AsthmeContrôle
before the session's day; on that day (the clock moved there) the chair opens it after a
confirmation and votes, a member votes and another abstains while the chair's counter follows,
the chair closes the vote after a confirmation and records the opinion with the reservations
drafted from the votes; the ministry decides (no outcome chosen in advance) and sees its document
being produced (no Celery worker here); after an unfavorable opinion it may only refuse. Then the
suspensive reservations of NutriSanté: the editor answers, the instructor lifts them. axe checks
every page on the way."""

import re
import time
from datetime import datetime
from datetime import time as wall_clock

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from applications.models import Dossier, TransitionLog
from decisions.models import Decision
from reviews.models import AgendaItem, ReservationResponse, Vote
from tests.dates import PARIS, french_date

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A French browser: the portal follows Accept-Language until one picks a language."""
    return {**browser_context_args, "locale": "fr-FR"}


SERVICE = "AsthmeContrôle"  # « En commission » on the upcoming demo session
SESSION = "Commission de référencement — séance de démonstration"
PAST_SESSION = "Commission de référencement — séance passée (démonstration)"
UNFAVORABLE_SERVICE = "MigraineJournal"  # « Avis défavorable » in the demo data
CHAIR = "commission-chair@demo.test"
MEMBER = "commission-member-1@demo.test"
OTHER_MEMBER = "commission-member-2@demo.test"


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


def _label_shown(locator) -> bool:
    """The element's text is laid out whole (the DSFR's icon-only buttons clip it to 2.5rem)."""
    return locator.evaluate(
        "e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().width > 100"
    )


def test_chair_and_members_vote_then_the_ministry_decides(page, live_server, demo_data, browser):
    dossier = Dossier.objects.get(service__name=SERVICE)
    item = AgendaItem.objects.get(dossier=dossier)
    day = item.session.date  # two weeks ahead in the demo data

    # Before the session's day, the chair cannot open the vote.
    _login(page, live_server, CHAIR, totp=True)
    _open_item(page, dossier.reference, check=True)
    expect(page.locator("main")).to_contain_text("Avis proposé par l'évaluation")
    expect(page.locator("main")).to_contain_text(
        "Le vote pourra être ouvert à partir du jour de la séance, le"
    )
    expect(page.locator("main")).to_contain_text(french_date(day))
    expect(page.get_by_role("link", name="Ouvrir le vote")).to_have_count(0)
    assert_no_axe_violations(page)
    _logout(page)

    # The session's day, 9:30 in Paris: the clock runs from there (the live server shares it).
    with time_machine.travel(datetime.combine(day, wall_clock(9, 30), tzinfo=PARIS), tick=True):
        _session_day(page, live_server, browser, dossier, item)


def _session_day(page, live_server, browser, dossier, item):
    # The chair opens the vote, after a confirmation, and votes: the counter follows at once.
    _login(page, live_server, CHAIR, totp=True)
    _open_item(page, dossier.reference)
    page.get_by_role("link", name="Ouvrir le vote").click()
    expect(page.locator("h1")).to_have_text("Ouvrir le vote")
    assert_no_axe_violations(page)
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "not_opened"
    page.get_by_role("button", name="Confirmer : ouvrir le vote").click()
    expect(page.get_by_role("status").first).to_contain_text("Le vote est ouvert")
    counter = page.locator("#etat-vote")
    expect(counter).to_contain_text("0 membre a pris part au vote sur 3 pouvant voter.")
    _vote(page, "Favorable avec réserves non suspensives", "Mentions légales à compléter.")
    expect(counter).to_contain_text("1 membre a pris part au vote sur 3 pouvant voter.")
    expect(page.locator("#compteur-vote")).to_have_attribute("aria-live", "polite")
    assert_no_axe_violations(page)

    # Meanwhile, in another browser, a member votes and another abstains; the chair's page,
    # not reloaded, counts them (htmx polls the counter every 5 s).
    other = browser.new_context(locale="fr-FR")
    try:
        member_page = other.new_page()
        login(member_page, live_server, MEMBER, totp=True)
        _open_item(member_page, dossier.reference)
        _vote(member_page, "Favorable avec réserves non suspensives", "Notice à compléter.")
        assert_no_axe_violations(member_page)
        expect(counter).to_contain_text("2 membres ont pris part", timeout=15_000)
        _logout(member_page)
        login(member_page, live_server, OTHER_MEMBER, totp=True)
        _open_item(member_page, dossier.reference)
        expect(member_page.locator("#mon-vote")).to_contain_text(
            "Une abstention compte pour le quorum, pas pour la majorité"
        )
        _vote(member_page, "Abstention")
        _logout(member_page)
    finally:
        other.close()
    expect(counter).to_contain_text(
        "3 membres ont pris part au vote sur 3 pouvant voter, dont 1 abstention.", timeout=15_000
    )
    assert Vote.objects.filter(item=item).count() == 3

    # The chair closes the vote, after a confirmation that says it is final.
    page.get_by_role("link", name="Clore le vote").click()
    expect(page.locator("h1")).to_have_text("Clore le vote")
    expect(page.locator("main")).to_contain_text("Cette action est irréversible.")
    assert_no_axe_violations(page)
    assert AgendaItem.objects.get(pk=item.pk).vote_status == "open"
    page.get_by_role("button", name="Confirmer : clore le vote").click()
    expect(page.locator("main")).to_contain_text(
        "Avis issu du vote : Favorable avec réserves non suspensives"
    )
    votes = page.get_by_role("table", name="Votes des membres")
    expect(votes).to_contain_text("Notice à compléter.")
    expect(votes).to_contain_text("Abstention")
    assert_no_axe_violations(page)

    # The reservations come drafted from the votes' comments; the chair completes them.
    page.get_by_role("link", name="Enregistrer l'avis de la commission").click()
    expect(page.locator("h1")).to_have_text("Enregistrer l'avis de la commission")
    expect(page.locator("select[name=transition-opinion]")).to_be_disabled()
    reservations = page.get_by_label("Réserves non suspensives")
    expect(reservations).to_have_value("Mentions légales à compléter.\n\nNotice à compléter.")
    assert_no_axe_violations(page)
    reservations.fill("Mentions légales et notice à compléter avant la publication.")
    page.get_by_role("button", name="Confirmer : Enregistrer l'avis de la commission").click()
    expect(page.locator("main")).to_contain_text(
        "Avis de la commission : Favorable avec réserves non suspensives"
    )
    assert_no_axe_violations(page)
    _logout(page)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.opinion) == ("opinion_favorable", "favorable_non_suspensive")
    assert dossier.opinion_reservations == (
        "Mentions légales et notice à compléter avant la publication."
    )

    # The ministry decides: nothing is chosen in advance; then « Référencé », with motives.
    login(page, live_server, "ministry@demo.test", totp=True)
    expect(page.locator("h1")).to_have_text("Dossiers soumis à décision")
    assert_no_axe_violations(page)
    page.locator("tbody tr").filter(has_text=SERVICE).get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    page.get_by_role("link", name="Prendre la décision").click()
    expect(page.locator("h1")).to_have_text("Prendre la décision")
    outcome = page.locator("select[name=transition-outcome]")
    expect(outcome).to_have_value("")
    expect(outcome.locator("option")).to_have_text(["— Choisir —", "Référencé", "Refusé"])
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : Prendre la décision").click()
    expect(page.locator("main")).to_contain_text("Choisissez la décision")
    expect(page.locator("h1")).to_have_text("Prendre la décision")
    assert not Decision.objects.filter(dossier=dossier).exists()
    assert_no_axe_violations(page)
    outcome.select_option(label="Référencé")
    page.get_by_label("Motifs de la décision").fill("Le service satisfait au référentiel.")
    page.get_by_role("button", name="Confirmer : Prendre la décision").click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    expect(page.locator("main")).to_contain_text("Document en cours de génération")
    assert_no_axe_violations(page)
    decision = Decision.objects.get(dossier=dossier)
    assert decision.motives == "Le service satisfait au référentiel."
    assert Dossier.objects.get(pk=dossier.pk).state == "referenced"


def test_after_an_unfavorable_opinion_the_ministry_may_only_refuse(page, live_server, demo_data):
    dossier = Dossier.objects.get(service__name=UNFAVORABLE_SERVICE)
    login(page, live_server, "ministry@demo.test", totp=True)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="Prendre la décision").click()
    outcome = page.locator("select[name=transition-outcome]")
    expect(outcome.locator("option")).to_have_text(["— Choisir —", "Refusé"])
    expect(page.locator("main")).to_contain_text("seul le refus est possible")
    assert_no_axe_violations(page)


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
    page.get_by_role("link", name="Commission", exact=True).click()
    create = page.get_by_role("link", name="Créer une séance")
    expect(create).to_be_visible()
    assert _label_shown(create), "« Créer une séance » shows its icon only"
    assert_no_axe_violations(page)
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

"""A referencing renewed, in a browser: a service published on 10 March 2026 for one year, the
referential replaced since by a second version; on 9 December 2026 the daily expiry task sends
the 3-month reminder; the editor follows its link to « Préparer le renouvellement », reads what
will be copied, opens the renewal, sees what changed first (a new, a changed and a removed
requirement) and what is pre-filled, confirms the copied answers (htmx: each mark leaves the
list and the requirement's collapsed line), answers the new requirement, and files the renewal.
axe checks every page on the way; the clock is frozen (ticking)."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from applications.enums import DossierState
from applications.models import Dossier
from catalogue.tasks import referencing_expiry_task
from portal.notifications.models import OutboxMessage
from tests.catalogue.report_tools import T0, in_paris
from tests.factories.dossiers import dossier_in_state, renewed_referential
from tests.factories.people import TEST_PASSWORD

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REMINDER_DAY = date(2026, 12, 9)  # 3 months before the last day, 9 March 2027


@pytest.fixture
def published(settings, private_storage, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CONVENTION_DURATION_YEARS = 1
    settings.REFERENCING_REMINDER_MONTHS = [6, 3, 1]
    with time_machine.travel(T0, tick=False):
        dossier, cast = dossier_in_state(DossierState.PUBLISHED)
    with time_machine.travel(in_paris(date(2026, 6, 1)), tick=False):
        renewed_referential(tmp_path)  # the referential changes after the publication
    return dossier, cast


def _reminder_link(email, live_server, settings) -> str:
    (message,) = OutboxMessage.objects.filter(to=email, subject__startswith="Le référencement de")
    assert "prend fin le 9 mars 2027" in message.subject
    link = re.search(r"Préparer le renouvellement : (\S+)", message.body).group(1)
    return link.replace(settings.PORTAL_BASE_URL.rstrip("/"), live_server.url)


def test_the_editor_follows_the_reminder_renews_and_files(page, live_server, published, settings):
    dossier, cast = published
    with time_machine.travel(in_paris(REMINDER_DAY, 9), tick=True):
        assert referencing_expiry_task()["reminded"] == 1
        link = _reminder_link(cast.editor.email, live_server, settings)
        assert link.endswith(reverse("applications:dossier-renewal", args=[dossier.pk]))

        login(page, live_server, cast.editor.email, password=TEST_PASSWORD)
        page.goto(link)
        expect(page.locator("h1")).to_have_text("Préparer le renouvellement")
        main = page.locator("main")
        expect(main).to_contain_text("Référentiel de test, deuxième version")
        expect(main).to_contain_text("2 réponses reprises")
        expect(main).to_contain_text("1 document repris")
        expect(main).to_contain_text("Non reprise, car supprimée du référentiel : RGPD-FIN-01.")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Confirmer : préparer le renouvellement").click()

        renewal = Dossier.objects.get(renews=dossier)
        expect(page.locator("main")).to_contain_text(
            f"Renouvellement du dossier {dossier.reference}."
        )
        section = page.locator("#renouvellement")
        expect(section).to_contain_text("Nouvelle exigence (1)")
        expect(section).to_contain_text("RGPD-FIN-02 — Information des personnes")
        expect(section).to_contain_text("Exigence modifiée (1)")
        expect(section).to_contain_text("modification : exigence")
        expect(section).to_contain_text("Exigence supprimée (1)")
        expect(section).to_contain_text("2 réponses reprises restent à confirmer avant le dépôt.")
        assert_no_axe_violations(page)
        section.get_by_role(
            "link", name="Confirmer les réponses reprises dans les questionnaires"
        ).click()

        # The questionnaire: what changed first, then each copied answer with « Confirmer ».
        top = page.locator("#renouvellement")
        expect(top).to_contain_text(f"Renouvellement du dossier {dossier.reference}")
        expect(top.locator("#exigences-nouvelles")).to_be_visible()
        pending = top.locator("#reprise-liste-DOC-HDS-02")
        expect(pending).to_contain_text("Reprise de la version précédente — à confirmer")
        changed = top.locator("#reprise-liste-ETH-ACC-01")
        expect(changed).to_contain_text("Exigence modifiée — vérifiez votre réponse")
        # Its collapsed line on this (doctrine) page bears the mark too, until it is confirmed.
        line = page.locator("#bilan-DOC-HDS-02")
        expect(line).to_contain_text("Reprise de la version précédente — à confirmer")
        assert_no_axe_violations(page)
        pending.get_by_role("button", name="Confirmer la réponse à l'exigence DOC-HDS-02").click()
        expect(pending).to_contain_text("Réponse confirmée")
        expect(line).not_to_contain_text("Reprise de la version précédente")
        expect(top.locator("#reprises-restantes")).to_have_text(
            "1 réponse reprise reste à confirmer avant le dépôt."
        )

        # The changed requirement, opened from its link: its mark and the copied answer.
        changed.get_by_role("link", name=re.compile("ETH-ACC-01")).click()
        mark = page.locator("#reprise-ETH-ACC-01")
        expect(mark).to_contain_text("Exigence modifiée — vérifiez votre réponse")
        expect(page.locator("#statut-ETH-ACC-01-compliant")).to_be_checked()
        expect(page.locator("#detail-ETH-ACC-01")).to_contain_text("preuve.pdf")
        assert_no_axe_violations(page)
        mark.get_by_role("button", name="Confirmer la réponse à l'exigence ETH-ACC-01").click()
        expect(mark).to_contain_text("Réponse confirmée.")
        expect(page.locator("#reprises-restantes")).to_have_text(
            "Toutes les réponses reprises sont confirmées."
        )

        # The new requirement: nothing copied, answered here.
        page.locator("#renouvellement").get_by_role("link", name=re.compile("RGPD-FIN-02")).click()
        expect(page.locator("#statut-RGPD-FIN-02-compliant")).not_to_be_checked()
        expect(page.locator("#reprise-RGPD-FIN-02")).to_be_empty()
        page.locator("label[for=statut-RGPD-FIN-02-compliant]").click()
        expect(page.locator("#etat-RGPD-FIN-02")).to_contain_text("Enregistré à")
        assert_no_axe_violations(page)

        page.goto(live_server.url + reverse("applications:dossier-detail", args=[renewal.pk]))
        expect(page.locator("#renouvellement")).not_to_contain_text("restent à confirmer")
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Déposer le dossier").click()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Confirmer : Déposer le dossier").click()
        expect(page.get_by_role("status").first).to_contain_text("Déposer le dossier")

    renewal.refresh_from_db()
    assert renewal.state == DossierState.SUBMITTED
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.PUBLISHED

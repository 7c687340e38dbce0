"""The experts' side of a partial re-evaluation and its closing, in a browser: the expert opens
the re-evaluation from the home panel « Réévaluations partielles », gives a verdict on each
touched requirement (saved by htmx as they choose), signs behind the signature page; the
instructor finds it under « Réévaluations à clore », closes it from the declaration's page
behind its confirmation; the editor's member reads the outcome and its reason, no verdict.
axe checks every page on the way. The state is built with the real services (qualification,
the editor's update simulated as in tests/factories/changes_reviews.py), not through the
browser; the clock is frozen (ticking) before the demo is seeded."""

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from applications.domain.applicability import applicable_requirements
from applications.enums import DossierState
from applications.models import Dossier
from changes.domain.declarations import ItemInput, change_draft_create, change_send
from changes.domain.qualification import change_qualify
from changes.enums import ChangeState
from changes.models import ChangeDeclaration, PartialReview
from portal.accounts.models import User
from tests.factories.changes_reviews import update_sent

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTANT = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)  # 12 octobre 2026, 10:00 à Paris
EDITOR_A = "editor-a@demo.test"  # member of the organisation that publishes MonCarnetBébé
INSTRUCTOR = "instructor@demo.test"
REASON = "La réévaluation confirme la conformité du nouveau service de rappels."


@pytest.fixture
def _clock():
    with time_machine.travel(INSTANT, tick=True):
        yield


def _updated_declaration(dossier):
    """A declaration touching one requirement of the first domain that has an expert,
    qualified « réévaluation partielle », its update sent by the editor."""
    editor = User.objects.get(email=EDITOR_A)
    instructor = User.objects.get(email=INSTRUCTOR)
    cleared = set(dossier.assignments.cleared().values_list("domain", flat=True))
    touched = next(rq for rq in applicable_requirements(dossier) if rq.domain in cleared)
    draft = change_draft_create(
        dossier=dossier,
        actor=editor,
        items=[
            ItemInput(
                text="Les rappels de vaccination passent par un nouveau service.",
                editor_view="substantial",
                requirements=[touched],
            )
        ],
        files=(),
    )
    declaration = change_qualify(
        declaration=change_send(declaration=draft, actor=editor),
        actor=instructor,
        outcome="partial_review",
        reason="Les experts réévaluent le domaine touché.",
    )
    return update_sent(declaration, editor), touched


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")


def test_the_expert_reevaluates_signs_and_the_instructor_closes(
    page, live_server, _clock, demo_data
):
    dossier = Dossier.objects.get(service__name="MonCarnetBébé", state=DossierState.PUBLISHED)
    declaration, touched = _updated_declaration(dossier)
    review = PartialReview.objects.select_related("expert").get(declaration=declaration)

    # The expert: the home panel, the screen, a verdict saved as it is chosen, the signature.
    login(page, live_server, review.expert.email, totp=True)
    panel = page.locator("section[aria-labelledby=reevaluations-todo-title]")
    expect(panel).to_contain_text(f"Modification n° {declaration.pk}")
    expect(panel).to_contain_text("MonCarnetBébé")
    assert_no_axe_violations(page)
    panel.get_by_role("link", name=f"Modification n° {declaration.pk}").click()
    expect(page.locator("h1")).to_have_text(
        f"Réévaluation partielle « {review.get_domain_display()} »"
    )
    block = page.locator(f"#exigence-{touched.code}")
    expect(block).to_contain_text("Avis de l'évaluation initiale")
    expect(block).to_contain_text(f"Réponse de l'éditeur (révision {declaration.update_revision})")
    assert_no_axe_violations(page)
    block.locator(f"label[for=avis-{touched.code}-compliant]").click()
    expect(page.locator(f"#etat-avis-{touched.code}")).to_contain_text("Avis enregistré à")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Signer la réévaluation").first.click()
    expect(page.locator("h1")).to_have_text(
        f"Signer la réévaluation « {review.get_domain_display()} »"
    )
    assert_no_axe_violations(page)
    page.get_by_text("Favorable", exact=True).click()
    page.get_by_label("Synthèse").fill("Le nouveau service de rappels reste conforme.")
    page.get_by_role("button", name="Signer la réévaluation").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre réévaluation est signée.")
    expect(page.locator("main")).to_contain_text("conclusion « Favorable »")
    assert_no_axe_violations(page)
    _logout(page)

    # The instructor: « Réévaluations à clore », then the closing behind its confirmation.
    login(page, live_server, INSTRUCTOR, totp=True)
    to_close = page.locator("section[aria-labelledby=reevaluations-close-title]")
    expect(to_close).to_contain_text(f"Modification n° {declaration.pk}")
    assert_no_axe_violations(page)
    to_close.get_by_role("link", name=f"Modification n° {declaration.pk}").click()
    section = page.locator("section[aria-labelledby=reevaluation-title]")
    expect(section).to_contain_text("Signée")
    assert_no_axe_violations(page)
    section.get_by_text("La modification est acceptée", exact=True).click()
    section.get_by_label("Motif (transmis à l'éditeur)").fill(REASON)
    section.get_by_role("button", name="Continuer").click()
    expect(page.locator("h1")).to_have_text("Confirmer la clôture")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer la clôture").click()
    expect(page.get_by_role("status").first).to_contain_text("La réévaluation est close")
    assert_no_axe_violations(page)
    declaration.refresh_from_db()
    assert declaration.state == ChangeState.ACCEPTED
    assert declaration.closed_by.email == INSTRUCTOR
    _logout(page)

    # The editor's member: the outcome and its reason, no verdict.
    login(page, live_server, EDITOR_A)
    page.goto(f"{live_server.url}/modifications/{declaration.pk}/")
    section = page.locator("section[aria-labelledby=reevaluation-title]")
    expect(section).to_contain_text("Réévaluée : modification acceptée")
    expect(section).to_contain_text(REASON)
    expect(section.locator("table")).to_have_count(0)
    assert_no_axe_violations(page)
    assert ChangeDeclaration.objects.get(pk=declaration.pk).closing_reason == REASON

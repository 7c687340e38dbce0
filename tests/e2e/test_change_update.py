"""The editor's update of a partial re-evaluation, in a browser: the editor's member finds the
update to send on the home page, opens the declaration from the dossier page, follows its link
into the questionnaire, edits the touched requirement (saved as they type), finds another one
locked, then sends the update after the confirmation page that sums up what changed. axe checks
every page on the way. The declaration is written directly in « réévaluation partielle » (its
qualification has its own journey); the clock is frozen (ticking) before the demo is seeded."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from applications.domain.applicability import applicable_requirements
from applications.enums import DossierState
from applications.models import Dossier, Revision
from changes.enums import ChangeState
from changes.models import ChangeDeclaration, ChangeItem
from portal.accounts.models import User

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTANT = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)  # 12 octobre 2026, 10:00 à Paris
EDITOR_A = "editor-a@demo.test"  # member of the organisation that publishes MonCarnetBébé
INSTRUCTOR = "instructor@demo.test"
ANSWER = "Les rappels de vaccination sont désormais chiffrés de bout en bout."


@pytest.fixture
def _clock():
    with time_machine.travel(INSTANT, tick=True):
        yield


def _awaiting_update(dossier, touched):
    editor = User.objects.get(email=EDITOR_A)
    instructor = User.objects.get(email=INSTRUCTOR)
    declaration = ChangeDeclaration.objects.create(
        dossier=dossier,
        state=ChangeState.PARTIAL_REVIEW,
        created_by=editor,
        declared_by=editor,
        declared_at=INSTANT,
        qualified_by=instructor,
        qualified_at=INSTANT,
        qualification_reason="Les experts réévaluent la sécurité des rappels.",
    )
    change = ChangeItem.objects.create(
        declaration=declaration,
        position=1,
        text="Les rappels de vaccination passent par un nouveau service.",
        editor_view="substantial",
    )
    change.requirements.set([touched])
    return declaration


def test_the_editor_updates_the_touched_requirement_and_sends_the_update(
    page, live_server, _clock, demo_data
):
    dossier = Dossier.objects.get(service__name="MonCarnetBébé", state=DossierState.PUBLISHED)
    applicable = applicable_requirements(dossier)
    touched = applicable[0]
    other = next(rq for rq in applicable if rq.domain != touched.domain)
    declaration = _awaiting_update(dossier, touched)
    revisions = Revision.objects.filter(dossier=dossier).count()

    login(page, live_server, EDITOR_A)
    panel = page.locator("section[aria-labelledby=changes-editor-todo-title]")
    expect(panel).to_contain_text(
        f"Modification n° {declaration.pk} sur « MonCarnetBébé » : mise à jour à envoyer"
    )
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name=f"Modification n° {declaration.pk}", exact=True).click()
    expect(page.locator("h1")).to_have_text(
        f"Modification n° {declaration.pk} de « MonCarnetBébé »"
    )
    section = page.locator("#mise-a-jour")
    expect(section.locator("h2")).to_have_text("Mise à jour des réponses")
    expect(section).to_contain_text("Mise à jour à envoyer")
    assert_no_axe_violations(page)
    section.get_by_role("link", name=re.compile("^" + re.escape(touched.code) + " ")).click()

    # The questionnaire: the touched requirement opened, its reason beside it; saved as typed.
    top = page.locator("#mise-a-jour-demandee")
    expect(top).to_contain_text("Modification déclarée : 1 exigence à mettre à jour")
    block = page.locator(f"#exigence-{touched.code}")
    expect(block.locator("summary")).to_contain_text(
        f"À mettre à jour : Modification n° {declaration.pk}"
    )
    justification = page.locator(f"#justification-{touched.code}")
    expect(justification).to_be_visible()
    justification.fill(ANSWER)
    expect(page.locator(f"#etat-{touched.code}")).to_contain_text("Enregistré à")
    assert_no_axe_violations(page)

    # Any other requirement is locked: read-only, with the reason, no form.
    page.goto(
        f"{live_server.url}/dossiers/{dossier.pk}/questionnaire/{other.domain}/"
        f"?exigence={other.code}"
    )
    locked = page.locator(f"#exigence-{other.code}")
    expect(locked.locator("summary")).to_contain_text("Verrouillée")
    expect(locked).to_contain_text(
        "Verrouillée : la modification déclarée ne touche pas cette exigence."
    )
    expect(locked.locator("textarea, input[type=file], input[type=radio]")).to_have_count(0)
    assert_no_axe_violations(page)

    # The sending, behind its confirmation page.
    page.goto(f"{live_server.url}/modifications/{declaration.pk}/")
    page.get_by_role("link", name="Envoyer la mise à jour").click()
    expect(page.locator("h1")).to_have_text("Envoyer la mise à jour")
    main = page.locator("main")
    expect(main).to_contain_text("Vous ne pourrez plus modifier ces réponses")
    expect(main).to_contain_text("Ce qui change depuis le dossier publié : 1 exigence modifiée")
    expect(page.locator(f"#mise-a-jour-{touched.code}")).to_contain_text("Modifiée")
    expect(page.locator(f"#mise-a-jour-{touched.code} ins").first).to_contain_text("chiffrés")
    assert_no_axe_violations(page)
    declaration.refresh_from_db()
    assert declaration.update_sent_at is None
    page.get_by_role("button", name="Envoyer la mise à jour").click()

    expect(page.get_by_role("status")).to_contain_text("La mise à jour est envoyée")
    expect(page.locator("#mise-a-jour")).to_contain_text("Mise à jour envoyée le 12 octobre 2026")
    assert_no_axe_violations(page)
    declaration.refresh_from_db()
    assert declaration.update_sent_by.email == EDITOR_A
    assert declaration.state == ChangeState.PARTIAL_REVIEW
    assert Revision.objects.filter(dossier=dossier).count() == revisions + 1
    frozen = Revision.objects.get(dossier=dossier, number=declaration.update_revision)
    assert frozen.transition == "change_update"
    assert frozen.answers.get(requirement=touched).justification == ANSWER
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PUBLISHED

    # The questionnaire is closed again.
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/questionnaire/{touched.domain}/")
    expect(page.locator("main")).to_contain_text("lecture seule")
    expect(page.locator("#mise-a-jour-demandee")).to_have_count(0)

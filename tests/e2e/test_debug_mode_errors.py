"""The portal as `bin/run` serves it (DEBUG on), in a browser: an htmx form's error is shown where
the form is and never replaces the page (django-htmx's debug script, which swaps any 400 answer
in place of the whole document, is not loaded); buttons with an icon keep their visible label.
axe checks every page on the way.

The live server runs in this process: `settings.DEBUG = True` (pytest-django's `settings`
fixture, undone after each test) is what the pages are rendered with."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.domain.applicability import applicable_requirements
from applications.models import Dossier, Service
from reviews.models import Verdict

from .conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A French browser: the portal follows Accept-Language until one picks a language."""
    return {**browser_context_args, "locale": "fr-FR"}


SERVICE = "SommeilPlus"  # « En évaluation » in the demo data, its experts assigned and cleared


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def _label_shown(locator) -> bool:
    """The element's text is laid out whole (the DSFR's icon-only buttons clip it to 2.5rem)."""
    return locator.evaluate(
        "e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().width > 100"
    )


def test_a_non_conforming_verdict_without_its_comment_is_refused_in_place(
    page, live_server, demo_data
):
    dossier = Dossier.objects.get(service__name=SERVICE)
    requirements = [r for r in applicable_requirements(dossier) if r.domain == "ethics"]
    first, second = requirements[0], requirements[1]

    login(page, live_server, "expert-ethics@demo.test", totp=True)
    page.goto(live_server.url + reverse("reviews:evaluation", args=[dossier.pk, "ethics"]))
    heading = page.locator("h1")
    expect(heading).to_contain_text("Évaluation « ")
    expect(page.locator("script[src*='django-htmx']")).to_have_count(0)
    articles = page.locator("article.portal-requirement")
    count = articles.count()
    assert count == len(requirements)
    assert_no_axe_violations(page)

    # « Non conforme » without a comment: the server answers 400 with the error fragment.
    block = page.locator(f"#avis-{first.code}")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(f"label[for=avis-{first.code}-non_compliant]").click()
    assert answer.value.status == 400
    expect(block).to_contain_text("Un commentaire est obligatoire")
    # The page is still the page: its heading, the other requirements, their forms.
    expect(heading).to_contain_text("Évaluation « ")
    expect(articles).to_have_count(count)
    expect(page.locator(f"#exigence-{second.code}")).to_be_visible()
    expect(page.locator(f"#avis-{second.code} input[name=verdict]").first).to_be_visible()
    assert not Verdict.objects.filter(dossier=dossier, requirement=first).exists()
    assert_no_axe_violations(page)

    # With its comment, the verdict is saved.
    block.get_by_label("Commentaire").fill("Aucune source médicale n'est citée.")
    expect(page.locator(f"#etat-avis-{first.code}")).to_contain_text("Avis enregistré à")
    expect(block).not_to_contain_text("Un commentaire est obligatoire")
    expect(articles).to_have_count(count)
    verdict = Verdict.objects.get(dossier=dossier, requirement=first)
    assert (verdict.verdict, verdict.comment) == (
        "non_compliant",
        "Aucune source médicale n'est citée.",
    )
    assert_no_axe_violations(page)


def test_the_service_pages_buttons_show_their_labels(page, live_server, demo_data):
    service = Service.objects.get(name="CardioSuivi")  # organisation A, a draft
    login(page, live_server, "editor-a@demo.test")
    page.goto(live_server.url + reverse("applications:service-detail", args=[service.pk]))
    expect(page.locator("h1")).to_have_text("CardioSuivi")
    for name in ("Modifier la description", "Modifier le questionnaire d'orientation"):
        button = page.get_by_role("link", name=name)
        expect(button).to_be_visible()
        assert _label_shown(button), f"« {name} » shows its icon only"
    assert_no_axe_violations(page)

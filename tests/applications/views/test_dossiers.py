"""The dossier page offers each action once, as one button to the page that asks for it; one
button is filled — the next useful step — and withdrawing is a tertiary button, confirmed on its
own page."""

import re
from html import unescape

import pytest
from django.urls import reverse

from applications.enums import DossierState
from tests.factories.dossiers import dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db


def _page(client, dossier) -> str:
    """The page's main content (the header's buttons are the site's, not the dossier's)."""
    response = client.get(reverse("applications:dossier-detail", args=[dossier.pk]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return html[html.index("<main") : html.index("</main>")]


def _buttons(html) -> dict[str, tuple[str, str]]:
    """Every button-styled link of the page: label -> (its classes, its address)."""
    found = {}
    for classes, href, label in re.findall(
        r'<a class="(fr-btn[^"]*)" href="([^"]*)">(.*?)</a>', html, re.S
    ):
        found[" ".join(re.sub(r"<[^>]+>", " ", label).split())] = (classes, href)
    return found


def _kind(classes) -> str:
    for kind in ("secondary", "tertiary"):
        if f"fr-btn--{kind}" in classes.split():
            return kind
    return "primary"


def _filled(buttons) -> list[str]:
    return [label for label, (classes, _href) in buttons.items() if _kind(classes) == "primary"]


def test_a_new_draft_offers_the_questionnaire_first_and_withdrawal_last(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    buttons = _buttons(_page(client, dossier))
    assert _filled(buttons) == ["Remplir les questionnaires"]
    assert buttons["Remplir les questionnaires"][1] == reverse(
        "applications:questionnaire", args=[dossier.pk]
    )
    classes, href = buttons["Retirer le dossier"]
    assert _kind(classes) == "tertiary"
    assert href == reverse("applications:dossier-transition", args=[dossier.pk, "withdraw"])
    # Withdrawing is confirmed on its page, which says it cannot be undone.
    confirm = unescape(client.get(href).content.decode())
    assert "Cette action est irréversible." in confirm
    assert "Confirmer : Retirer le dossier" in confirm


def test_a_complete_draft_offers_filing_first(client):
    dossier, cast = dossier_in_state(S.DRAFT)
    client.force_login(cast.editor)
    buttons = _buttons(_page(client, dossier))
    assert _filled(buttons) == ["Déposer le dossier"]
    assert _kind(buttons["Remplir les questionnaires"][0]) == "secondary"
    assert _kind(buttons["Retirer le dossier"][0]) == "tertiary"


def test_during_complements_the_editor_answers_first(client):
    dossier, cast = dossier_in_state(S.COMPLEMENTS_REQUESTED)
    client.force_login(cast.editor)
    buttons = _buttons(_page(client, dossier))
    assert _filled(buttons) == ["Répondre aux compléments"]
    assert _kind(buttons["Transmettre les compléments"][0]) == "secondary"


def test_declaring_incomplete_is_offered_once_with_its_reasons_page(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    html = _page(client, dossier)
    assert html.count("Déclarer le dossier incomplet") == 1
    assert "Déclarer incomplet, motif par exigence" not in html
    buttons = _buttons(html)
    assert buttons["Déclarer le dossier incomplet"][1] == reverse(
        "reviews:incompleteness-declare", args=[dossier.pk]
    )


@pytest.mark.parametrize("who", ["instructor", "expert"])
def test_asking_for_complements_is_offered_once_with_its_questions_page(client, who):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.instructor if who == "instructor" else cast.experts["ethics"])
    html = _page(client, dossier)
    assert html.count("Demander des compléments") == 1
    buttons = _buttons(html)
    assert buttons["Demander des compléments"][1] == reverse(
        "reviews:complements-request", args=[dossier.pk]
    )
    # Asking for complements sends the dossier back: never the filled button of the page (the
    # expert's is their evaluation).
    assert _kind(buttons["Demander des compléments"][0]) == "secondary"
    if who == "expert":
        assert _filled(buttons) == ["Évaluer : Éthique"]


def test_once_experts_are_assigned_starting_the_evaluation_is_the_filled_button(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    cast.assign_experts(dossier)
    client.force_login(cast.instructor)
    buttons = _buttons(_page(client, dossier))
    assert _filled(buttons) == ["Lancer l'évaluation"]
    assert _kind(buttons["Déclarer le dossier incomplet"][0]) == "secondary"

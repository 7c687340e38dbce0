"""The complements loop: an expert asks on one requirement of their domain, the editor may change
only that one, files the complements, and the expert sees exactly what changed."""

import pytest
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Answer, Dossier, Revision, TransitionLog
from reviews.models import ComplementItem, ComplementRequest
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import evaluation_url, html, png, requirement, text, verdict_url

S = DossierState
pytestmark = pytest.mark.django_db


def _url(dossier):
    return reverse("reviews:complements-request", args=[dossier.pk])


def _questions(*lines, total=5):
    data = {
        "questions-TOTAL_FORMS": str(total),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "100",
    }
    for index, (requirement_pk, question) in enumerate(lines):
        data[f"questions-{index}-requirement"] = str(requirement_pk)
        data[f"questions-{index}-text"] = question
    return data


def _answer(client, dossier, code, **fields):
    answer = Answer.objects.get(dossier=dossier, requirement__code=code)
    data = {"status": "compliant", "justification": "", "free_text": "", "version": answer.version}
    return client.post(
        reverse("applications:answer-update", args=[dossier.pk, code]),
        data | fields,
        HTTP_HX_REQUEST="true",
    )


def test_expert_offers_only_their_domain_instructor_any(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.experts["ethics"])
    page = text(client.get(_url(dossier)))
    assert "ETH-ACC-01" in page and "RGPD-FIN-01" not in page
    client.force_login(cast.instructor)
    page = text(client.get(_url(dossier)))
    assert "ETH-ACC-01" in page and "RGPD-FIN-01" in page


def test_expert_cannot_ask_on_another_domain(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.experts["ethics"])
    response = client.post(
        _url(dossier), _questions((requirement(dossier, "RGPD-FIN-01").pk, "Et le registre ?"))
    )
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).state == S.UNDER_EVALUATION
    assert not ComplementRequest.objects.exists()


def test_a_question_per_requirement_and_at_least_one(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    accessibility = requirement(dossier, "ETH-ACC-01").pk
    client.force_login(cast.experts["ethics"])
    empty = client.post(_url(dossier), _questions())
    assert empty.status_code == 400
    assert "Choisissez au moins une exigence et posez votre question." in text(empty)
    twice = client.post(_url(dossier), _questions((accessibility, "A ?"), (accessibility, "B ?")))
    assert twice.status_code == 400
    assert "Une seule question par exigence : ETH-ACC-01" in text(twice)
    silent = client.post(_url(dossier), _questions((accessibility, "")))
    assert silent.status_code == 400
    assert not ComplementRequest.objects.exists()


def test_complements_round_trip_shows_the_expert_what_changed(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    person = cast.experts["ethics"]
    accessibility = requirement(dossier, "ETH-ACC-01")

    # 1. The expert gives a first verdict, then asks a question on that requirement.
    client.force_login(person)
    client.post(
        verdict_url(dossier, "ethics", "ETH-ACC-01"),
        {"verdict": "partial", "comment": "La déclaration n'est pas datée."},
    )
    prefilled = client.get(_url(dossier), {"exigence": "ETH-ACC-01"})
    assert f'<option value="{accessibility.pk}" selected>' in html(prefilled)
    response = client.post(
        _url(dossier), _questions((accessibility.pk, "Pouvez-vous joindre la version datée ?"))
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.COMPLEMENTS_REQUESTED
    item = ComplementItem.objects.get()
    assert (item.requirement, item.request.requested_by) == (accessibility, person)
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")
    assert (log.transition, log.actor) == ("request_complements", person)
    assert log.comment == "ETH-ACC-01 : Pouvez-vous joindre la version datée ?"

    # 2. The editor sees the question and may change only that requirement.
    client.force_login(cast.editor)
    detail = text(client.get(reverse("applications:dossier-detail", args=[dossier.pk])))
    assert "Compléments demandés" in detail
    assert "ETH-ACC-01 — Déclaration d'accessibilité : Pouvez-vous joindre la version datée ?" in (
        detail
    )
    refused = _answer(client, dossier, "RGPD-FIN-01", justification="Tentative.")
    assert refused.status_code == 403
    assert Answer.objects.get(dossier=dossier, requirement__code="RGPD-FIN-01").justification == ""
    changed = _answer(
        client, dossier, "ETH-ACC-01", justification="Déclaration datée du 3 mars, mise en ligne."
    )
    assert changed.status_code == 200
    upload = client.post(
        reverse("applications:evidence-upload", args=[dossier.pk, "ETH-ACC-01"]),
        {"file": png("declaration-datee.png")},
    )
    assert upload.status_code == 302
    provided = client.post(
        reverse("applications:dossier-transition", args=[dossier.pk, "provide_complements"]),
        {"transition-comment": ""},
    )
    assert provided.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.UNDER_EVALUATION
    assert Revision.objects.filter(dossier=dossier).count() == 2

    # 3. The expert sees the previous verdict, the word diff and the new file.
    client.force_login(person)
    response = client.get(evaluation_url(dossier, "ethics"))
    page = html(response)
    assert "Votre avis précédent (révision 1)" in page
    assert "La déclaration n'est pas datée." in page
    assert "Modifié par l'éditeur entre les révisions 1 et 2" in page
    assert "Déclaration datée du 3 mars, mise en ligne.</ins>" in page
    assert "Pièce ajoutée : declaration-datee.png" in page
    new_file = dossier.evidence.get(name="declaration-datee.png")
    preview = reverse("reviews:evidence-preview", args=[dossier.pk, new_file.pk])
    assert f'<img class="fr-responsive-img" src="{preview}"' in page
    assert client.get(preview)["Content-Type"] == "image/png"
    assert "Question posée à l'éditeur" in page

    # 4. A new verdict is given on the new revision; the comparison goes away.
    client.post(verdict_url(dossier, "ethics", "ETH-ACC-01"), {"verdict": "compliant"})
    assert "Votre avis précédent" not in html(client.get(evaluation_url(dossier, "ethics")))


def test_complements_only_during_the_evaluation(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    response = client.post(
        _url(dossier), _questions((requirement(dossier, "ETH-ACC-01").pk, "Question ?"))
    )
    assert response.status_code == 403
    assert not ComplementRequest.objects.exists()


def test_editor_cannot_request_complements(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.editor)
    assert client.get(_url(dossier)).status_code == 403

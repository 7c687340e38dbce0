"""The complements loop: an expert asks on one requirement of their domain (five lines offered,
the blank ones ignored), the editor may change only that one, files the complements (told which
questions are left unanswered, and confirming), and the expert sees exactly what changed — since
their verdict, or since the question when there was none."""

import pytest
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Answer, Dossier, Revision, TransitionLog
from reviews.domain.complements import complements_request
from reviews.models import ComplementItem, ComplementRequest
from tests.assertions import assert_nothing_changed
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
    new_file = dossier.evidence.get(document__name="declaration-datee.png")
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


# --- The form as a browser sends it: five lines, each with its select --------------------------


def _browser_lines(*lines, total=5):
    """What a browser posts: every line's select and text, the untouched ones blank."""
    lines = list(lines) + [("", "")] * (total - len(lines))
    return _questions(*lines, total=total)


def test_each_select_starts_blank_so_that_fewer_than_five_questions_can_be_asked(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.experts["ethics"])
    page = html(client.get(_url(dossier)))
    assert page.count('<option value="" selected>Choisissez une exigence</option>') == 5
    accessibility = requirement(dossier, "ETH-ACC-01")

    response = client.post(
        _url(dossier), _browser_lines((accessibility.pk, "Pouvez-vous dater la déclaration ?"))
    )

    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == S.COMPLEMENTS_REQUESTED
    item = ComplementItem.objects.get()
    assert (item.requirement, item.question) == (
        accessibility,
        "Pouvez-vous dater la déclaration ?",
    )


def test_five_blank_lines_ask_for_one_question_and_write_nothing(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.instructor)
    with assert_nothing_changed(dossier, tables=(ComplementRequest, ComplementItem)):
        response = client.post(_url(dossier), _browser_lines())
    assert response.status_code == 400
    page = text(response)
    assert "Rien n'a été enregistré" in page
    assert "Choisissez au moins une exigence et posez votre question." in page


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (
            ("", "Une question sans exigence ?"),
            "Choisissez l'exigence concernée par la question, ou laissez la ligne entièrement "
            "vide.",
        ),
        (("ETH-ACC-01", ""), "Rédigez la question, ou laissez la ligne entièrement vide."),
    ],
)
def test_a_half_filled_line_is_refused_in_french_and_nothing_is_written(client, line, error):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    code, question = line
    pk = requirement(dossier, code).pk if code else ""
    client.force_login(cast.instructor)
    lines = [
        (requirement(dossier, "RGPD-FIN-01").pk, "Le registre est-il à jour ?"),
        (pk, question),
    ]
    with assert_nothing_changed(dossier, tables=(ComplementRequest, ComplementItem)):
        response = client.post(_url(dossier), _browser_lines(*lines))
    assert response.status_code == 400
    assert error in text(response)


def test_the_generic_action_page_sends_to_the_page_with_the_questions(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.instructor)
    url = reverse("applications:dossier-transition", args=[dossier.pk, "request_complements"])
    with assert_nothing_changed(dossier, tables=(ComplementRequest,)):
        assert client.get(url).url == _url(dossier)
        assert client.post(url, {"transition-comment": "Précisez."}).url == _url(dossier)


# --- Sending the complements: the questions left unanswered are listed, then confirmed ---------


def _asked(dossier, cast, *codes):
    """The instructor asks one question per code; returns the dossier, complements requested."""
    return complements_request(
        dossier=dossier,
        actor=cast.instructor,
        items=[(requirement(dossier, code), f"Question sur {code} ?") for code in codes],
    )


def _transmit_url(dossier):
    return reverse("applications:dossier-transition", args=[dossier.pk, "provide_complements"])


def test_transmitting_lists_the_unanswered_questions_and_asks_to_confirm(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    dossier = _asked(dossier, cast, "ETH-ACC-01", "RGPD-FIN-01")
    client.force_login(cast.editor)
    saved = _answer(client, dossier, "ETH-ACC-01", justification="Datée du 3 mars.")
    assert saved.status_code == 200

    page = text(client.get(_transmit_url(dossier)))
    assert "1 question reste sans réponse" in page
    assert "RGPD-FIN-01 — Registre des traitements : Question sur RGPD-FIN-01 ?" in page
    assert "ETH-ACC-01 —" not in page
    assert "Je transmets mes compléments bien que 1 question reste sans réponse." in page

    with assert_nothing_changed(dossier, tables=(Revision,)):
        refused = client.post(_transmit_url(dossier), {"transition-comment": ""})
    assert refused.status_code == 400
    assert "Cochez la case pour transmettre sans répondre à toutes les questions" in text(refused)

    sent = client.post(
        _transmit_url(dossier),
        {"transition-comment": "", "transition-confirm_unanswered": "on"},
    )
    assert sent.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.UNDER_EVALUATION
    assert not dossier.complement_requests.open().exists()
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")
    assert (log.transition, log.actor) == ("provide_complements", cast.editor)


def test_a_file_or_a_changed_answer_answers_the_question(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    dossier = _asked(dossier, cast, "ETH-ACC-01", "RGPD-FIN-01")
    client.force_login(cast.editor)
    page = text(client.get(_transmit_url(dossier)))
    assert "2 questions restent sans réponse" in page
    assert "bien que 2 questions restent sans réponse" in page

    _answer(client, dossier, "RGPD-FIN-01", status="non_compliant", justification="En cours.")
    client.post(
        reverse("applications:evidence-upload", args=[dossier.pk, "ETH-ACC-01"]),
        {"file": png("declaration-datee.png")},
    )
    page = text(client.get(_transmit_url(dossier)))
    assert "sans réponse" not in page
    sent = client.post(_transmit_url(dossier), {"transition-comment": ""})
    assert sent.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == S.UNDER_EVALUATION


# --- The expert's comparison: since the verdict, or since the question -------------------------


def test_without_a_previous_verdict_the_expert_sees_what_changed_since_the_question(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    person = cast.experts["ethics"]
    client.force_login(person)
    client.post(
        _url(dossier),
        _browser_lines((requirement(dossier, "ETH-ACC-01").pk, "Pouvez-vous la dater ?")),
    )
    dossier.refresh_from_db()
    assert dossier.state == S.COMPLEMENTS_REQUESTED
    # Asked, not yet answered: nothing to compare.
    assert "Depuis la question" not in html(client.get(evaluation_url(dossier, "ethics")))

    client.force_login(cast.editor)
    _answer(client, dossier, "ETH-ACC-01", justification="Déclaration datée du 3 mars.")
    client.post(_transmit_url(dossier), {"transition-comment": ""})

    client.force_login(person)
    page = html(client.get(evaluation_url(dossier, "ethics")))
    assert "Depuis la question (révision 1)" in page
    assert "Votre avis précédent" not in page
    assert "Modifié par l'éditeur entre les révisions 1 et 2" in page
    assert "Déclaration datée du 3 mars.</ins>" in page

    # Once judged on the new revision, the comparison goes away.
    client.post(verdict_url(dossier, "ethics", "ETH-ACC-01"), {"verdict": "compliant"})
    assert "Depuis la question" not in html(client.get(evaluation_url(dossier, "ethics")))


def test_a_question_left_unanswered_says_so_to_the_expert(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    dossier = _asked(dossier, cast, "ETH-ACC-01")
    client.force_login(cast.editor)
    client.post(
        _transmit_url(dossier), {"transition-comment": "", "transition-confirm_unanswered": "on"}
    )
    assert Dossier.objects.get(pk=dossier.pk).state == S.UNDER_EVALUATION

    client.force_login(cast.experts["ethics"])
    page = text(client.get(evaluation_url(dossier, "ethics")))
    assert "Depuis la question (révision 1)" in page
    assert "L'éditeur n'a pas modifié sa réponse depuis la question." in page

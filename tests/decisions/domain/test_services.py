"""The ministry's decision: motives rules, the signed snapshot, and the decision form."""

import re
from html import unescape

import pytest
from django.urls import reverse

from applications.domain import transitions as t
from applications.domain.exceptions import TransitionForbidden, TransitionInvalid
from applications.enums import DecisionOutcome as Outcome
from applications.enums import DossierState, Opinion
from applications.models import TransitionLog
from decisions.domain.services import (
    DEFAULT_SIGNATORY_TITLE,
    decision_outcomes_allowed,
    dossier_decide,
)
from decisions.models import Decision, DecisionCounter, PdfStatus
from tests.assertions import assert_nothing_changed
from tests.decisions.helpers import MOTIVES, decided
from tests.factories.dossiers import dossier_in_state

S = DossierState

pytestmark = pytest.mark.django_db


def nothing_decided(dossier):
    """No state, audit row, outbox row, decision or decision number written."""
    return assert_nothing_changed(
        dossier, tables=(Decision, DecisionCounter.objects.filter(last__gt=0))
    )


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (S.OPINION_UNFAVORABLE, "Les motifs d'un refus sont obligatoires"),
        (S.OPINION_RESERVED, "Les motifs d'un refus sont obligatoires"),
        (S.OPINION_FAVORABLE, "s'écarte de l'avis de la commission"),
    ],
)
@pytest.mark.parametrize("motives", ["", "   \n "])
def test_decide_refusal_without_motives_is_refused(state, message, motives):
    dossier, cast = dossier_in_state(state)
    with nothing_decided(dossier), pytest.raises(TransitionInvalid, match=message):
        dossier_decide(
            dossier=dossier, actor=cast.ministry, outcome=Outcome.REFUSED, motives=motives
        )


@pytest.mark.parametrize("state", [S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE])
def test_decide_refusal_with_motives_is_recorded(state):
    decision, dossier, cast = decided(Outcome.REFUSED, state=state)
    assert dossier.state == S.REFUSED
    assert (decision.outcome, decision.motives, decision.decided_by) == (
        Outcome.REFUSED,
        MOTIVES,
        cast.ministry,
    )
    assert decision.pdf_status == PdfStatus.PENDING and not decision.pdf


def test_decide_referencing_after_a_favorable_opinion_needs_no_motives():
    decision, dossier, _cast = decided(Outcome.REFERENCED, motives="")
    assert dossier.state == S.REFERENCED
    assert (decision.outcome, decision.motives) == (Outcome.REFERENCED, "")


@pytest.mark.parametrize("state", [S.OPINION_RESERVED, S.OPINION_UNFAVORABLE])
def test_decide_referencing_without_a_favorable_opinion_is_refused(state):
    dossier, cast = dossier_in_state(state)
    with nothing_decided(dossier), pytest.raises(TransitionInvalid, match="Seul un avis favorable"):
        dossier_decide(
            dossier=dossier, actor=cast.ministry, outcome=Outcome.REFERENCED, motives=MOTIVES
        )


def test_decide_by_someone_else_than_the_ministry_is_forbidden_before_motives_are_checked():
    dossier, cast = dossier_in_state(S.OPINION_UNFAVORABLE)
    with nothing_decided(dossier), pytest.raises(TransitionForbidden):
        dossier_decide(dossier=dossier, actor=cast.instructor, outcome=Outcome.REFUSED)


def test_decision_keeps_a_snapshot_of_what_it_states():
    dossier, cast = dossier_in_state(S.OPINION_FAVORABLE)
    cast.ministry.first_name, cast.ministry.last_name = "Hélène", "Marchal"
    cast.ministry.job_title = "Directrice du numérique en santé"
    cast.ministry.save()
    dossier_decide(
        dossier=dossier,
        actor=cast.ministry,
        outcome=Outcome.REFERENCED,
        motives="Service conforme.",
        comment="Pour le fil du dossier.",
    )
    decision = Decision.objects.get(dossier=dossier)
    organisation = dossier.service.organisation
    assert decision.dossier_reference == dossier.reference
    assert decision.service_name == dossier.service.name
    assert (decision.organisation_name, decision.organisation_siren) == (
        organisation.name,
        organisation.siren,
    )
    assert decision.referential_version_code == dossier.referential_version.code
    assert decision.opinion == Opinion.FAVORABLE
    assert (decision.signatory_name, decision.signatory_title) == (
        "Hélène Marchal",
        "Directrice du numérique en santé",
    )
    log = TransitionLog.objects.get(dossier=dossier, transition="decide")
    assert log.comment == "Pour le fil du dossier."
    # Later changes to the service do not reach the signed decision.
    type(dossier.service).objects.filter(pk=dossier.service_id).update(name="Nouveau nom")
    decision.refresh_from_db()
    assert decision.service_name == dossier.service.name


def test_signatory_without_a_job_title_signs_as_the_ministry_representative():
    decision, _dossier, cast = decided()
    assert decision.signatory_name == cast.ministry.get_full_name()
    assert decision.signatory_title == DEFAULT_SIGNATORY_TITLE


def test_referencing_after_lifted_reservations_says_so():
    from reviews.domain.commission import reservations_respond

    dossier, cast = dossier_in_state(S.OPINION_RESERVED)
    reservations_respond(dossier=dossier, actor=cast.editor, text="Attestation HDS jointe.")
    dossier = t.dossier_lift_reservations(
        dossier=dossier, actor=cast.instructor, comment="Attestation HDS reçue."
    )
    dossier_decide(dossier=dossier, actor=cast.ministry, outcome=Outcome.REFERENCED)
    decision = Decision.objects.get(dossier=dossier)
    assert decision.opinion == Opinion.FAVORABLE_SUSPENSIVE
    assert decision.opinion_reservations
    assert decision.reservations_lifted is True


def test_decide_queues_the_pdf_after_commit_only(django_capture_on_commit_callbacks):
    dossier, cast = dossier_in_state(S.OPINION_UNFAVORABLE)
    with django_capture_on_commit_callbacks() as callbacks:
        dossier_decide(
            dossier=dossier, actor=cast.ministry, outcome=Outcome.REFUSED, motives=MOTIVES
        )
    names = [getattr(c, "func", c).__name__ for c in callbacks]
    assert "decision_dispatch" in names


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (S.OPINION_FAVORABLE, [Outcome.REFERENCED, Outcome.REFUSED]),
        (S.OPINION_RESERVED, [Outcome.REFUSED]),
        (S.OPINION_UNFAVORABLE, [Outcome.REFUSED]),
        (S.IN_COMMISSION, []),
        (S.REFERENCED, []),
    ],
)
def test_outcomes_allowed_are_those_the_decide_transition_accepts(state, allowed):
    dossier, _cast = dossier_in_state(state)
    before = dossier.decision_outcome
    with assert_nothing_changed(dossier):
        assert decision_outcomes_allowed(dossier) == allowed
    # The instance itself is untouched too (the transition's body ran on copies).
    assert (dossier.state, dossier.decision_outcome) == (state, before)


# -- the decision form ---------------------------------------------------------------------------


def _decide_url(dossier):
    return reverse("applications:dossier-transition", args=[dossier.pk, "decide"])


def test_decision_form_asks_for_motives(client):
    dossier, cast = dossier_in_state(S.OPINION_UNFAVORABLE)
    client.force_login(cast.ministry)
    page = client.get(_decide_url(dossier))
    assert page.status_code == 200
    assert "Motifs de la décision" in page.content.decode()


def test_decision_form_refusal_without_motives_shows_the_error(client):
    dossier, cast = dossier_in_state(S.OPINION_UNFAVORABLE)
    client.force_login(cast.ministry)
    with nothing_decided(dossier):
        response = client.post(
            _decide_url(dossier), {"transition-outcome": Outcome.REFUSED, "transition-motives": ""}
        )
    assert response.status_code == 400
    assert "Les motifs d&#x27;un refus sont obligatoires : indiquez-les." in (
        response.content.decode()
    )


def test_decision_form_records_the_decision_and_its_motives(client):
    dossier, cast = dossier_in_state(S.OPINION_FAVORABLE)
    client.force_login(cast.ministry)
    response = client.post(
        _decide_url(dossier),
        {
            "transition-outcome": Outcome.REFUSED,
            "transition-motives": MOTIVES,
            "transition-comment": "Décision prise en séance.",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(dossier=dossier)
    assert (decision.outcome, decision.motives) == (Outcome.REFUSED, MOTIVES)
    page = client.get(response.url)
    content = page.content.decode()
    assert decision.number in content
    assert "Document en cours de génération" in content


def _outcome_options(response) -> list[tuple[str, str]]:
    """(value, label) of the outcome select's options, in order."""
    select = re.search(
        r'<select name="transition-outcome".*?</select>', response.content.decode(), re.S
    )
    assert select, "no outcome select"
    return [
        (value, unescape(label.strip()))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select[0])
    ]


def _selected(response) -> list[str]:
    select = re.search(
        r'<select name="transition-outcome".*?</select>', response.content.decode(), re.S
    )
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select[0])


def test_decision_form_has_no_default_and_offers_both_outcomes_after_a_favorable_opinion(client):
    dossier, cast = dossier_in_state(S.OPINION_FAVORABLE)
    client.force_login(cast.ministry)
    page = client.get(_decide_url(dossier))
    assert _outcome_options(page) == [
        ("", "— Choisir —"),
        ("referenced", "Référencé"),
        ("refused", "Refusé"),
    ]
    assert _selected(page) in ([], [""])  # nothing chosen in advance
    with nothing_decided(dossier):
        response = client.post(_decide_url(dossier), {"transition-outcome": ""})
    assert response.status_code == 400
    assert "Choisissez la décision : référencer le service ou le refuser." in (
        unescape(response.content.decode())
    )


@pytest.mark.parametrize("state", [S.OPINION_RESERVED, S.OPINION_UNFAVORABLE])
def test_decision_form_offers_only_the_refusal_after_another_opinion(client, state):
    dossier, cast = dossier_in_state(state)
    client.force_login(cast.ministry)
    page = client.get(_decide_url(dossier))
    assert _outcome_options(page) == [("", "— Choisir —"), ("refused", "Refusé")]
    assert "seul le refus est possible" in unescape(page.content.decode())
    with nothing_decided(dossier):
        response = client.post(
            _decide_url(dossier),
            {"transition-outcome": Outcome.REFERENCED, "transition-motives": MOTIVES},
        )
    assert response.status_code == 400
    assert "Cette décision n'est pas possible après l'avis de la commission" in unescape(
        response.content.decode()
    )

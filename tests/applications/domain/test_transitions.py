"""Guards, arguments, audit rows and e-mails of the transition services."""

import pytest

from applications.domain import transitions as t
from applications.domain.exceptions import TransitionBlocked, TransitionInvalid
from applications.domain.queries import dossier_actions
from applications.enums import DecisionOutcome, DossierState, Opinion
from applications.models import Dossier, TransitionLog
from catalogue.domain import publication
from decisions.domain.services import dossier_decide
from portal.notifications.models import OutboxMessage
from reviews.domain.commission import dossier_record_opinion
from reviews.domain.sessions import dossier_schedule
from tests.factories.dossiers import _approve_card, _sign_convention, dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db


def test_start_evaluation_blocked_without_an_expert_on_every_domain():
    dossier, cast = dossier_in_state(S.SUBMITTED, requests_data_exchange=True)
    with pytest.raises(TransitionBlocked) as excinfo:
        t.dossier_start_evaluation(dossier=dossier, actor=cast.instructor)
    assert "aucun expert affecté" in str(excinfo.value)
    assert "Sécurité de l'échange de données" in str(excinfo.value)
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUBMITTED


def test_dossier_actions_explain_why_an_action_is_blocked():
    dossier, cast = dossier_in_state(S.SUBMITTED)
    actions = {a.name: a for a in dossier_actions(dossier=dossier, user=cast.instructor)}
    assert set(actions) == {"declare_incomplete", "start_evaluation"}
    assert actions["declare_incomplete"].allowed
    assert not actions["start_evaluation"].allowed
    assert actions["start_evaluation"].reasons[0].startswith("Impossible de lancer l'évaluation")


def test_dossier_actions_list_nothing_for_someone_without_the_right():
    dossier, cast = dossier_in_state(S.SUBMITTED)
    assert dossier_actions(dossier=dossier, user=cast.ministry) == []


def test_publish_blocked_until_the_convention_is_signed_and_the_card_approved():
    dossier, cast = dossier_in_state(S.REFERENCED)
    with pytest.raises(TransitionBlocked, match="convention signée"):
        publication.dossier_publish(dossier=dossier, actor=cast.admin)
    dossier = _sign_convention(dossier)
    with pytest.raises(TransitionBlocked, match="fiche du catalogue"):
        publication.dossier_publish(dossier=dossier, actor=cast.admin)
    dossier = _approve_card(dossier, cast)
    assert publication.dossier_publish(dossier=dossier, actor=cast.admin).state == S.PUBLISHED


@pytest.mark.parametrize("state", [S.OPINION_RESERVED, S.OPINION_UNFAVORABLE])
def test_referencing_requires_a_favorable_opinion(state):
    dossier, cast = dossier_in_state(state)
    with pytest.raises(TransitionInvalid, match="avis favorable"):
        dossier_decide(dossier=dossier, actor=cast.ministry, outcome=DecisionOutcome.REFERENCED)
    assert Dossier.objects.get(pk=dossier.pk).state == state
    assert not TransitionLog.objects.filter(dossier=dossier, transition="decide").exists()


@pytest.mark.parametrize(
    ("opinion", "target"),
    [
        (Opinion.FAVORABLE, S.OPINION_FAVORABLE),
        (Opinion.FAVORABLE_NON_SUSPENSIVE, S.OPINION_FAVORABLE),
        (Opinion.FAVORABLE_SUSPENSIVE, S.OPINION_RESERVED),
        (Opinion.UNFAVORABLE, S.OPINION_UNFAVORABLE),
    ],
)
def test_record_opinion_moves_to_the_state_of_the_voted_opinion(opinion, target):
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    cast.vote(dossier, opinion)
    result = dossier_record_opinion(
        dossier=dossier, actor=cast.chair, reservations="Réserve écrite."
    )
    assert result.state == target
    assert result.opinion == opinion


def test_record_opinion_needs_a_closed_vote():
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    with pytest.raises(TransitionBlocked, match="vote de la commission n'est pas clos"):
        dossier_record_opinion(dossier=dossier, actor=cast.chair)
    assert Dossier.objects.get(pk=dossier.pk).state == S.IN_COMMISSION


def test_recorded_opinion_must_be_the_voted_one():
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    cast.vote(dossier, Opinion.UNFAVORABLE)
    with pytest.raises(TransitionInvalid, match="celui issu du vote"):
        dossier_record_opinion(dossier=dossier, actor=cast.chair, opinion=Opinion.FAVORABLE)
    assert Dossier.objects.get(pk=dossier.pk).state == S.IN_COMMISSION


def test_reservations_text_is_required_with_reservations():
    dossier, cast = dossier_in_state(S.IN_COMMISSION)
    cast.vote(dossier, Opinion.FAVORABLE_SUSPENSIVE)
    with pytest.raises(TransitionInvalid, match="réserves"):
        dossier_record_opinion(dossier=dossier, actor=cast.chair)
    assert Dossier.objects.get(pk=dossier.pk).state == S.IN_COMMISSION


def test_schedule_puts_the_dossier_on_the_session_agenda():
    dossier, cast = dossier_in_state(S.EVALUATED)
    dossier_schedule(dossier=dossier, actor=cast.instructor, session=cast.session)
    assert list(cast.session.agenda_items.values_list("dossier_id", flat=True)) == [dossier.pk]


def test_transition_queues_french_emails_for_the_people_concerned(
    django_capture_on_commit_callbacks,
):
    dossier, cast = dossier_in_state(S.DRAFT)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks() as callbacks:
        t.dossier_submit(dossier=dossier, actor=cast.editor, comment="Premier dépôt.")
    recipients = set(OutboxMessage.objects.values_list("to", flat=True))
    # The instructors are told; the editor who acted receives the acknowledgement of the filing
    # (applications/domain/notifications.py), not a message about their own action.
    assert cast.instructor.email in recipients
    assert list(OutboxMessage.objects.filter(to=cast.editor.email).values_list("subject")) == [
        (f"Accusé de réception : dossier {dossier.reference} déposé",)
    ]
    assert cast.ministry.email not in recipients
    message = OutboxMessage.objects.get(to=cast.instructor.email)
    assert message.subject == f"Dossier {dossier.reference} : Déposé"
    assert "Dépôt du dossier" in message.body
    assert "Premier dépôt." in message.body
    assert len(callbacks) == len(recipients)  # one hand-off to Celery per message, after commit


def test_failed_transition_queues_no_email():
    dossier, cast = dossier_in_state(S.SUBMITTED)
    before = OutboxMessage.objects.count()
    with pytest.raises(TransitionBlocked):
        t.dossier_start_evaluation(dossier=dossier, actor=cast.instructor)
    assert OutboxMessage.objects.count() == before


def test_state_cannot_be_assigned_directly():
    dossier, _cast = dossier_in_state(S.DRAFT)
    with pytest.raises(AttributeError):
        dossier.state = S.PUBLISHED


def test_transition_methods_cannot_be_called_from_templates():
    assert Dossier.submit.alters_data is True
    assert Dossier.decide.alters_data is True

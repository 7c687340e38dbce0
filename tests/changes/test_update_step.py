"""The editor's update of a partial re-evaluation (changes/domain/updates.py, changes/views/
updates.py): sending it freezes the dossier's new revision with the edited answers, sets the
declaration's three `update_*` fields and writes its history row; refused to anyone but the
dossier's editor, twice, or in another state — nothing written then; the sending page behind
its confirmation, its summary of what changed, « envoyer sans modification » only with the
checkbox; the declaration's page, the editor's to-do panel and the qualification's e-mail."""

import html
from datetime import date

import pytest
import time_machine
from django.db import transaction

from applications import rules as app_rules
from applications.domain.applicability import applicable_requirements
from applications.domain.exceptions import TransitionBlocked, TransitionForbidden, TransitionInvalid
from applications.domain.questionnaire import answer_save
from applications.domain.revisions import latest_revision_number
from applications.enums import DossierState
from applications.models import Answer, Dossier, Revision, RevisionAnswer
from catalogue.models import Card
from changes.domain.qualification import change_qualify
from changes.domain.queries import editor_todo
from changes.domain.updates import UPDATE_TRANSITION, change_update_send, update_summary
from changes.enums import ChangeState
from changes.models import ChangeDeclaration, ChangeEvent
from portal.notifications.models import OutboxMessage
from tests.applications.test_questionnaire_change_update import published_by_factory
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import T0, declared, in_paris, item
from tests.factories.people import editor

pytestmark = pytest.mark.django_db

TABLES = (Revision, RevisionAnswer, ChangeEvent)
NOW = in_paris(date(2026, 3, 20))


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published_by_factory()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db, private_storage):
    with time_machine.travel(NOW, tick=False):
        yield _built


def _touched(dossier, cast, count=1):
    found = [rq for rq in applicable_requirements(dossier) if rq.domain in cast.experts]
    return found[:count]


def _declared(dossier, cast, touched):
    return declared(
        dossier, cast.editor, items=[item(dossier, view="substantial", requirements=touched)]
    )


def _awaiting(dossier, cast, touched=None):
    declaration = _declared(dossier, cast, touched or _touched(dossier, cast))
    return change_qualify(
        declaration=declaration, actor=cast.instructor, outcome="partial_review", reason="À voir."
    )


def _edit(dossier, requirement, actor, justification="Chiffrement de bout en bout."):
    answer = Answer.objects.get(dossier=dossier, requirement=requirement)
    return answer_save(
        dossier=dossier,
        requirement=requirement,
        actor=actor,
        status="compliant",
        justification=justification,
        free_text="",
        expected_version=answer.version,
    )


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_applications_app_reads_the_same_state():
    assert app_rules.CHANGE_UPDATE_STATE == ChangeState.PARTIAL_REVIEW


# --- The service --------------------------------------------------------------------------------


def test_sending_freezes_a_revision_with_the_edited_answers(service):
    dossier, cast = service
    touched = _touched(dossier, cast)[0]
    declaration = _awaiting(dossier, cast, [touched])
    before = latest_revision_number(dossier)
    cards = list(Card.objects.filter(service=dossier.service).values())
    _edit(dossier, touched, cast.editor)
    summary = update_summary(declaration)
    assert summary.changed_count == 1
    assert summary.requirements[0].changes.text_diffs == {
        "Justification": [("added", "Chiffrement de bout en bout.")]
    }

    sent = change_update_send(declaration=declaration, actor=cast.editor)

    assert (sent.update_sent_by, sent.update_sent_at) == (cast.editor, NOW)
    assert sent.update_revision == before + 1
    revision = Revision.objects.get(dossier=dossier, number=sent.update_revision)
    assert (revision.transition, revision.created_by) == (UPDATE_TRANSITION, cast.editor)
    frozen = revision.answers.get(requirement=touched)
    assert frozen.justification == "Chiffrement de bout en bout."
    event = sent.events.last()
    assert (event.from_state, event.to_state, event.actor, event.at) == (
        ChangeState.PARTIAL_REVIEW,
        ChangeState.PARTIAL_REVIEW,
        cast.editor,
        NOW,
    )
    assert event.comment == "Mise à jour envoyée."
    sent.refresh_from_db()
    assert sent.state == ChangeState.PARTIAL_REVIEW
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PUBLISHED
    assert list(Card.objects.filter(service=dossier.service).values()) == cards
    # Once sent, the summary reads the two frozen revisions.
    after = update_summary(sent)
    assert (after.sent, after.since, after.latest) == (True, before, before + 1)
    assert after.changed_count == 1


@pytest.mark.parametrize("who", ["instructor", "other_editor", "expert"])
def test_only_the_dossiers_editor_sends_the_update(service, who):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    actor = {
        "instructor": cast.instructor,
        "other_editor": editor(),
        "expert": next(iter(cast.experts.values())),
    }[who]
    with (
        assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionForbidden),
    ):
        change_update_send(declaration=declaration, actor=actor, unchanged_confirmed=True)


def test_a_colleague_of_the_organisation_sends_it(service):
    dossier, cast = service
    colleague = editor(dossier.service.organisation)
    declaration = _awaiting(dossier, cast)
    sent = change_update_send(declaration=declaration, actor=colleague, unchanged_confirmed=True)
    assert sent.update_sent_by == colleague


def test_the_update_is_sent_once(service):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    change_update_send(declaration=declaration, actor=cast.editor, unchanged_confirmed=True)
    stale = ChangeDeclaration.objects.get(pk=declaration.pk)
    with (
        assert_nothing_changed(dossier, tables=TABLES, rows=(stale,)),
        pytest.raises(TransitionInvalid, match="déjà envoyée"),
    ):
        change_update_send(declaration=stale, actor=cast.editor, unchanged_confirmed=True)


@pytest.mark.parametrize("outcome", [None, "editorial", "new_dossier"])
def test_a_declaration_that_awaits_no_update_refuses_it(service, outcome):
    dossier, cast = service
    declaration = _declared(dossier, cast, _touched(dossier, cast))
    if outcome:
        declaration = change_qualify(
            declaration=declaration, actor=cast.instructor, outcome=outcome, reason="Motif."
        )
    with (
        assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionInvalid, match="n'attend pas de mise à jour"),
    ):
        change_update_send(declaration=declaration, actor=cast.editor, unchanged_confirmed=True)


def test_an_unchanged_update_needs_the_editors_word(service):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    assert not update_summary(declaration).changed
    with (
        assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionBlocked),
    ):
        change_update_send(declaration=declaration, actor=cast.editor)
    sent = change_update_send(declaration=declaration, actor=cast.editor, unchanged_confirmed=True)
    assert sent.update_revision == latest_revision_number(dossier)


def test_a_dossier_no_longer_published_refuses_it(service):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.SUSPENDED)
    with (
        assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)),
        pytest.raises(TransitionInvalid, match="n'est plus publié"),
    ):
        change_update_send(declaration=declaration, actor=cast.editor, unchanged_confirmed=True)


# --- The pages ----------------------------------------------------------------------------------


def _send_url(declaration):
    return f"/modifications/{declaration.pk}/mise-a-jour/"


def test_the_sending_page_sums_up_then_sends(service, client):
    dossier, cast = service
    touched = _touched(dossier, cast)[0]
    declaration = _awaiting(dossier, cast, [touched])
    _edit(dossier, touched, cast.editor)
    client.force_login(cast.editor)

    page = client.get(_send_url(declaration))
    text = _text(page)
    assert page.status_code == 200
    assert "Vous ne pourrez plus modifier ces réponses" in text
    assert "Ce qui change depuis le dossier publié : 1 exigence modifiée" in text
    assert "Chiffrement de bout en bout." in text
    assert "Envoyer sans modification" not in text  # something changed
    declaration.refresh_from_db()
    assert declaration.update_sent_at is None

    response = client.post(_send_url(declaration), {})
    assert response.status_code == 302
    assert response["Location"] == f"/modifications/{declaration.pk}/"
    declaration.refresh_from_db()
    assert declaration.update_sent_at == NOW
    detail = _text(client.get(response["Location"]))
    assert "La mise à jour est envoyée" in detail
    assert f"révision n° {declaration.update_revision} du dossier" in detail
    # Sent: the page leads back to the declaration.
    assert client.get(_send_url(declaration)).status_code == 302


def test_an_unchanged_update_is_sent_only_with_the_checkbox(service, client):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    client.force_login(cast.editor)
    page = _text(client.get(_send_url(declaration)))
    assert "Ce qui change depuis le dossier publié : aucune exigence modifiée" in page
    assert "Envoyer sans modification" in page
    with assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)):
        refused = client.post(_send_url(declaration), {})
    assert refused.status_code == 400
    assert "cochez « Envoyer sans modification »" in _text(refused)
    assert client.post(_send_url(declaration), {"unchanged": "on"}).status_code == 302
    declaration.refresh_from_db()
    assert declaration.update_sent_at is not None


def test_the_sending_page_answers_404_and_403(service, client):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    client.force_login(editor())  # another organisation: the declaration is not theirs to see
    with assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)):
        assert client.get(_send_url(declaration)).status_code == 404
        assert client.post(_send_url(declaration), {"unchanged": "on"}).status_code == 404
    client.force_login(cast.instructor)  # sees it, may not send it
    with assert_nothing_changed(dossier, tables=TABLES, rows=(declaration,)):
        assert client.get(_send_url(declaration)).status_code == 403
        assert client.post(_send_url(declaration), {"unchanged": "on"}).status_code == 403


def test_the_declaration_page_shows_the_step(service, client):
    dossier, cast = service
    touched = _touched(dossier, cast)[0]
    declaration = _awaiting(dossier, cast, [touched])
    client.force_login(cast.editor)
    page = _text(client.get(f"/modifications/{declaration.pk}/"))
    assert "Mise à jour à envoyer" in page
    questionnaire = (
        f"/dossiers/{dossier.pk}/questionnaire/{touched.domain}/?exigence={touched.code}"
    )
    assert questionnaire in page
    assert _send_url(declaration) in page

    client.force_login(cast.instructor)
    page = _text(client.get(f"/modifications/{declaration.pk}/"))
    assert "L'éditeur met à jour les réponses des exigences touchées" in page
    assert _send_url(declaration) not in page


def test_the_editors_todo_lists_the_update_to_send(service, client):
    dossier, cast = service
    declaration = _awaiting(dossier, cast)
    panel = editor_todo(cast.editor)
    assert [d.pk for d in panel.updates] == [declaration.pk]
    assert editor_todo(editor()) is None  # another organisation's editor: nothing
    client.force_login(cast.editor)
    home = _text(client.get("/"))
    assert f"Modification n° {declaration.pk} sur « {dossier.service.name} » : mise à jour" in home
    assert f'href="/dossiers/{dossier.pk}/questionnaire/"' in home
    assert f'href="{_send_url(declaration)}"' in home

    change_update_send(declaration=declaration, actor=cast.editor, unchanged_confirmed=True)
    assert editor_todo(cast.editor) is None


def test_the_qualification_mail_asks_for_the_update(service):
    dossier, cast = service
    _awaiting(dossier, cast)
    mail = OutboxMessage.objects.filter(to=cast.editor.email, subject__contains="qualifiée").get()
    assert "Mettez à jour dans le questionnaire du dossier" in mail.body
    assert "envoyez la mise à jour depuis la page de la déclaration" in mail.body


@pytest.mark.parametrize("count", [1, 3])
def test_the_summary_reads_in_a_fixed_number_of_queries(
    service, count, django_assert_max_num_queries
):
    dossier, cast = service
    touched = _touched(dossier, cast, count)
    assert len(touched) == count
    declaration = ChangeDeclaration.objects.select_related("dossier").get(
        pk=_awaiting(dossier, cast, touched).pk
    )
    with django_assert_max_num_queries(6):  # five when no file is involved
        summary = update_summary(declaration)
    assert len(summary.requirements) == count

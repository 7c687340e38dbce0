"""The instruction team asks the editor to declare a change found unannounced
(changes/domain/requests.py): its deadline, its e-mail, its place in the editor's to-do, and
the declaration that answers it."""

from datetime import date

import pytest
import time_machine
from django.db import transaction

from applications.domain.exceptions import TransitionForbidden, TransitionInvalid
from changes.domain.queries import editor_todo
from changes.domain.requests import change_request_create
from changes.enums import RequestState
from changes.models import ChangeRequest
from portal.notifications.models import OutboxMessage
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import T0, declared, in_paris, published
from tests.factories.people import editor

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db):
    with time_machine.travel(in_paris(date(2026, 3, 20)), tick=False):
        yield _built


def test_a_request_gives_the_editor_four_weeks_and_is_in_its_to_do(service):
    dossier, cast = service
    made = change_request_create(
        dossier=dossier, actor=cast.instructor, description="Nouvelle fonction de messagerie."
    )
    assert made.due_on == date(2026, 4, 17)
    assert made.state == RequestState.OPEN
    mail = OutboxMessage.objects.get(subject__startswith="Modification de")
    assert mail.to == cast.editor.email
    assert "17 avril 2026" in mail.subject
    assert "Nouvelle fonction de messagerie." in mail.body
    panel = editor_todo(cast.editor)
    assert [row.request for row in panel.rows] == [made]
    assert panel.rows[0].due.days_left == 28
    with time_machine.travel(in_paris(date(2026, 4, 20)), tick=False):
        late = editor_todo(cast.editor).rows[0].due
    assert (late.late, late.days_late) == (True, 3)
    assert editor_todo(editor()) is None  # another organisation's member sees nothing


def test_declaring_with_the_request_answers_it(service):
    dossier, cast = service
    made = change_request_create(dossier=dossier, actor=cast.instructor, description="Constat.")
    declaration = declared(dossier, cast.editor, change_request=made)
    assert declaration.request == made
    made.refresh_from_db()
    assert made.state == RequestState.ANSWERED
    assert editor_todo(cast.editor) is None
    with pytest.raises(TransitionInvalid):
        declared(dossier, cast.editor, change_request=made)  # answered already


@pytest.mark.parametrize("who", ["editor", "admin", "ministry"])
def test_only_an_instructor_asks(service, who):
    dossier, cast = service
    actor = getattr(cast, who)
    with (
        assert_nothing_changed(dossier, tables=(ChangeRequest,)),
        pytest.raises(TransitionForbidden),
    ):
        change_request_create(dossier=dossier, actor=actor, description="Constat.")


def test_a_request_needs_its_description(service):
    dossier, cast = service
    with assert_nothing_changed(dossier, tables=(ChangeRequest,)), pytest.raises(TransitionInvalid):
        change_request_create(dossier=dossier, actor=cast.instructor, description="  ")


def test_a_control_asks_through_the_request_page(service, client):
    from catalogue.domain.controls import control_open
    from catalogue.models import Listing
    from tests.catalogue.report_tools import report_on

    dossier, cast = service
    report = report_on(Listing.objects.get(service=dossier.service))
    control = control_open(report=report, actor=cast.instructor)
    url = f"/modifications/dossiers/{dossier.pk}/demander/"
    client.force_login(cast.instructor)
    page = client.get(f"{url}?controle={control.pk}")
    assert f"lors du contrôle n° {control.pk}" in page.content.decode()
    response = client.post(
        url, {"description": "Constat du contrôle.", "controle": control.pk, "confirmed": "on"}
    )
    assert response.status_code == 302
    made = ChangeRequest.objects.get()
    assert (made.control, made.due_on) == (control, date(2026, 4, 17))


def test_a_control_of_another_dossier_is_refused(service):
    from catalogue.domain.controls import control_open
    from tests.catalogue.helpers import published as other_published
    from tests.catalogue.report_tools import report_on

    dossier, cast = service
    _other, other_cast, listing = other_published()
    control = control_open(report=report_on(listing), actor=other_cast.instructor)
    with assert_nothing_changed(dossier, tables=(ChangeRequest,)), pytest.raises(TransitionInvalid):
        change_request_create(
            dossier=dossier, actor=cast.instructor, description="C.", control=control
        )

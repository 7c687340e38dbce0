"""The public's reports and their triage (catalogue/domain/reports.py): the limits per address
and per service, an address never stored, each move allowed to whom and from which state, its
e-mail, its audit (django-simple-history) — and nothing written by a refused move."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction

from applications.domain.exceptions import (
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from catalogue.domain import publication, reports
from catalogue.domain.controls import control_open
from catalogue.enums import ReportState
from catalogue.models import Control, Report
from portal.notifications.models import OutboxMessage
from tests.assertions import assert_nothing_changed
from tests.catalogue.helpers import published
from tests.catalogue.report_tools import T0, in_paris, report_on
from tests.factories import staff_user
from tests.factories.dossiers import measure_fields
from tests.factories.people import editor

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 20)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        dossier, cast, listing = published()
        yield dossier, cast, listing
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db):
    with time_machine.travel(in_paris(DAY), tick=False):
        yield _built


def test_a_report_stores_a_daily_hash_of_the_address_never_the_address(service):
    dossier, cast, listing = service
    report = report_on(listing, address="198.51.100.23", email=" personne@exemple.fr ")
    assert report.state == ReportState.NEW
    assert report.created_on == DAY
    assert report.dossier_id == dossier.pk
    assert report.email == "personne@exemple.fr"
    row = Report.objects.filter(pk=report.pk).values().get()
    assert not any("198.51.100.23" in str(value) for value in row.values())
    assert report.address_hash == reports.address_hash("198.51.100.23", DAY)
    assert report.address_hash != reports.address_hash("198.51.100.23", DAY + timedelta(days=1))
    assert report.history.count() == 1  # audited from the start, with no author


def test_the_limit_per_address_counts_the_day_in_paris(service, settings):
    dossier, cast, listing = service
    settings.REPORTS_PER_IP_PER_DAY = 2
    report_on(listing, address="198.51.100.1")
    report_on(listing, address="198.51.100.1")
    with assert_nothing_changed(tables=(Report,)), pytest.raises(reports.ReportRefused) as refused:
        report_on(listing, address="198.51.100.1")
    assert refused.value.status_code == 429
    assert "nombre maximal de signalements" in str(refused.value)
    report_on(listing, address="198.51.100.2")  # another address
    # 23:30 in Paris is still the same day; 00:30 the next one.
    late = in_paris(DAY, 23).replace(minute=30)
    with time_machine.travel(late, tick=False), pytest.raises(reports.ReportRefused):
        report_on(listing, address="198.51.100.1")
    with time_machine.travel(in_paris(DAY + timedelta(days=1), 0).replace(minute=30), tick=False):
        report_on(listing, address="198.51.100.1")


def test_the_limit_per_service_counts_every_address(service, settings):
    dossier, cast, listing = service
    settings.REPORTS_PER_SERVICE_PER_DAY = 3
    for n in range(3):
        report_on(listing, address=f"198.51.100.{n}")
    with assert_nothing_changed(tables=(Report,)), pytest.raises(reports.ReportRefused) as refused:
        report_on(listing, address="198.51.100.99")
    assert "Ce service a déjà reçu de nombreux signalements" in str(refused.value)


def test_an_unlisted_service_takes_no_report(service):
    dossier, cast, listing = service
    publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, comment="Audit.", **measure_fields("suspend")
    )
    with assert_nothing_changed(tables=(Report,)), pytest.raises(TransitionNotAvailable):
        report_on(listing)


@pytest.mark.parametrize(
    ("category", "description"),
    [("inconnue", "Une description assez longue pour passer."), ("security", "Trop court")],
)
def test_an_incomplete_report_is_refused(service, category, description):
    dossier, cast, listing = service
    with assert_nothing_changed(tables=(Report,)), pytest.raises(TransitionInvalid):
        report_on(listing, category=category, description=description)


def test_sending_to_the_editor_sets_the_deadline_and_tells_its_members(service, settings):
    dossier, cast, listing = service
    settings.REPORT_ANSWER_DAYS = 30
    colleague = editor(dossier.service.organisation)
    outsider = editor()
    report = report_on(listing, email="personne@exemple.fr")
    OutboxMessage.objects.all().delete()

    sent = reports.report_send_to_editor(
        report=report, actor=cast.instructor, question="Quelles sources citez-vous ?"
    )

    assert sent.state == ReportState.AWAITING_EDITOR
    assert sent.answer_due_on == date(2026, 4, 19)
    assert sent.triaged_by == cast.instructor
    told = set(OutboxMessage.objects.values_list("to", flat=True))
    assert told == {cast.editor.email, colleague.email}
    assert outsider.email not in told and "personne@exemple.fr" not in told
    message = OutboxMessage.objects.filter(to=cast.editor.email).get()
    assert "réponse attendue avant le 19 avril 2026" in message.subject
    assert "Quelles sources citez-vous ?" in message.body
    assert "personne@exemple.fr" not in message.body
    last = Report.history.filter(id=report.pk).order_by("-history_id").first()
    assert (last.state, last.history_user) == (ReportState.AWAITING_EDITOR, cast.instructor)


def test_the_editor_answers_and_the_instructor_is_told(service):
    dossier, cast, listing = service
    report = reports.report_send_to_editor(
        report=report_on(listing), actor=cast.instructor, question="Précisez."
    )
    OutboxMessage.objects.all().delete()
    answered = reports.report_answer(report=report, actor=cast.editor, answer="Sources ajoutées.")
    assert answered.state == ReportState.ANSWERED
    assert (answered.answered_by, answered.editor_answer) == (cast.editor, "Sources ajoutées.")
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [cast.instructor.email]


def test_an_answer_is_overdue_after_its_deadline(service, settings):
    dossier, cast, listing = service
    settings.REPORT_ANSWER_DAYS = 10
    report = reports.report_send_to_editor(
        report=report_on(listing), actor=cast.instructor, question="Précisez."
    )
    with time_machine.travel(in_paris(DAY + timedelta(days=10), 23), tick=False):
        assert not Report.objects.get(pk=report.pk).is_overdue
    with time_machine.travel(in_paris(DAY + timedelta(days=11), 0), tick=False):
        late = Report.objects.get(pk=report.pk)
        assert late.is_overdue
        # A late answer is still taken, and the report is then no longer late.
        answered = reports.report_answer(report=late, actor=cast.editor, answer="Pardon.")
        assert not answered.is_overdue


def _move(name, report, cast):
    return {
        "unfounded": lambda actor: reports.report_mark_unfounded(
            report=report, actor=actor, reason="Hors sujet."
        ),
        "send": lambda actor: reports.report_send_to_editor(
            report=report, actor=actor, question="Précisez."
        ),
        "answer": lambda actor: reports.report_answer(
            report=report, actor=actor, answer="Réponse."
        ),
        "control": lambda actor: control_open(report=report, actor=actor),
    }[name]


def _report_in(state, listing, cast):
    report = report_on(listing)
    if state in (ReportState.AWAITING_EDITOR, ReportState.ANSWERED):
        report = reports.report_send_to_editor(report=report, actor=cast.instructor, question="?")
    if state == ReportState.ANSWERED:
        report = reports.report_answer(report=report, actor=cast.editor, answer="Réponse.")
    if state == ReportState.UNFOUNDED:
        report = reports.report_mark_unfounded(report=report, actor=cast.instructor, reason="Non.")
    if state == ReportState.CONTROL:
        control_open(report=report, actor=cast.instructor)
        report.refresh_from_db()
    return report


#: (move, its actor) → the states it is allowed from.
ALLOWED = {
    ("unfounded", "instructor"): {ReportState.NEW, ReportState.ANSWERED},
    ("send", "instructor"): {ReportState.NEW},
    ("control", "instructor"): {
        ReportState.NEW,
        ReportState.AWAITING_EDITOR,
        ReportState.ANSWERED,
    },
    ("answer", "editor"): {ReportState.AWAITING_EDITOR},
}


@pytest.mark.parametrize("state", list(ReportState))
@pytest.mark.parametrize("move", ["unfounded", "send", "answer", "control"])
@pytest.mark.parametrize("role", ["instructor", "editor", "ministry", "admin", "other_editor"])
def test_who_may_move_a_report_from_which_state(service, state, move, role):
    dossier, cast, listing = service
    report = _report_in(state, listing, cast)
    actor = {
        "instructor": cast.instructor,
        "editor": cast.editor,
        "ministry": cast.ministry,
        "admin": cast.admin,
        "other_editor": editor(),
    }[role]
    allowed = ALLOWED.get((move, role), set())
    act = _move(move, report, cast)
    if state in allowed:
        act(actor)
        assert Report.objects.get(pk=report.pk).state != state
        return
    role_may = (move, role) in ALLOWED and (move != "answer" or report.sent_to_editor_at)
    expected = TransitionNotAvailable if role_may else TransitionForbidden
    history = Report.history.model
    with (
        assert_nothing_changed(tables=(Report, history, Control), rows=(report,)),
        pytest.raises(expected),
    ):
        act(actor)


def test_a_move_on_a_report_someone_else_moved_meanwhile_is_a_conflict(service):
    dossier, cast, listing = service
    report = report_on(listing)
    seen = Report.objects.get(pk=report.pk)
    reports.report_mark_unfounded(report=report, actor=cast.instructor, reason="Doublon.")
    colleague = staff_user("instructor")
    with (
        assert_nothing_changed(rows=(report,), tables=(Report.history.model,)),
        pytest.raises(TransitionConflict),
    ):
        reports.report_send_to_editor(report=seen, actor=colleague, question="?")


def test_an_empty_reason_or_question_is_refused(service):
    dossier, cast, listing = service
    report = report_on(listing)
    with pytest.raises(TransitionInvalid):
        reports.report_mark_unfounded(report=report, actor=cast.instructor, reason="  ")
    with pytest.raises(TransitionInvalid):
        reports.report_send_to_editor(report=report, actor=cast.instructor, question="")
    assert Report.objects.get(pk=report.pk).state == ReportState.NEW

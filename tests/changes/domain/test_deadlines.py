"""Deadlines of declared changes with a frozen clock (changes/domain/deadlines.py): the
qualification CHANGE_QUALIFICATION_MONTHS after the Paris day a change was sent (the month's
last day when shorter), a request CHANGE_NOTIFY_WEEKS after it was made; both read from the
settings."""

from datetime import date

import pytest
import time_machine
from django.db import transaction

from changes.domain.deadlines import declaration_due_on, due, qualification_due_on
from changes.domain.queries import instructor_todo
from tests.changes.helpers import T0, declared, in_paris, published

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (in_paris(date(2026, 3, 10)), date(2026, 6, 10)),
        (in_paris(date(2026, 11, 30)), date(2027, 2, 28)),  # no 30 February
        (in_paris(date(2027, 11, 30)), date(2028, 2, 29)),  # a leap year
        # 00:30 in Paris on 1 April is still 31 March in UTC: the Paris day counts.
        (in_paris(date(2026, 4, 1), 0).replace(minute=30), date(2026, 7, 1)),
    ],
)
def test_the_qualification_is_due_months_after_the_paris_day(sent, expected):
    assert qualification_due_on(sent) == expected


def test_the_months_and_weeks_are_settings(settings):
    settings.CHANGE_QUALIFICATION_MONTHS = 1
    settings.CHANGE_NOTIFY_WEEKS = 2
    moment = in_paris(date(2026, 1, 31))
    assert qualification_due_on(moment) == date(2026, 2, 28)
    assert declaration_due_on(moment) == date(2026, 2, 14)


def test_a_request_is_due_four_weeks_later_by_default():
    assert declaration_due_on(in_paris(date(2026, 3, 10))) == date(2026, 4, 7)


def test_due_says_how_near_or_late():
    deadline = date(2026, 6, 10)
    assert (due(deadline, date(2026, 6, 1)).late, due(deadline, date(2026, 6, 1)).days_left) == (
        False,
        9,
    )
    assert not due(deadline, deadline).late
    late = due(deadline, date(2026, 6, 13))
    assert (late.late, late.days_late) == (True, 3)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published()
        transaction.set_rollback(True)


def test_the_instructors_to_do_lists_the_soonest_deadline_first_and_the_late(_built, db):
    dossier, cast = _built
    with time_machine.travel(in_paris(date(2026, 3, 10)), tick=False):
        older = declared(dossier, cast.editor)
    with time_machine.travel(in_paris(date(2026, 5, 2)), tick=False):
        newer = declared(dossier, cast.editor)
    with time_machine.travel(in_paris(date(2026, 4, 1)), tick=False):
        middle = declared(dossier, cast.editor)
    assert (older.qualification_due_on, newer.qualification_due_on) == (
        date(2026, 6, 10),
        date(2026, 8, 2),
    )
    with time_machine.travel(in_paris(date(2026, 6, 12)), tick=False):
        panel = instructor_todo(cast.instructor)
    assert [row.declaration for row in panel.rows] == [older, middle, newer]
    assert panel.count == 3
    assert [row.due.late for row in panel.rows] == [True, False, False]
    assert panel.rows[0].due.days_late == 2
    assert panel.rows[1].due.days_left == 19  # 1 July
    assert instructor_todo(cast.editor) is None

"""The date-dependent code gives the same answers whatever the day: each test runs with the clock
frozen at every instant of tests.dates.INSTANTS (1 February, 15 August, 31 December, New Year's
night when Paris and UTC disagree on the date, the days the clocks change, a leap day).

Every expectation is computed from the instant in Europe/Paris, independently of Django's
formatting: the portal counts days, years and deadlines in Paris, never in UTC."""

import io
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from applications.domain.dossiers import dossier_create
from applications.enums import DecisionOutcome, DossierState
from applications.models import Dossier
from decisions.models import Decision
from portal.organisations.services import invitation_create
from reviews.domain.queues import dossier_delay, instructor_queue_tabs
from reviews.models import Assignment, CommissionSession
from tests import dates
from tests.dates import PARIS, french_date, french_datetime, paris, paris_today
from tests.decisions.helpers import decided
from tests.factories import OrganisationFactory, editor, expert, staff_user
from tests.factories.dossiers import ServiceFactory, dossier_in_state, small_referential
from tests.reviews.helpers import text

S = DossierState
pytestmark = pytest.mark.django_db

#: Every test taking `frozen_day` runs once per instant of tests.dates.INSTANTS.
frozen_day = dates.frozen_day


def _at_paris(day, wall_clock):
    return datetime.combine(day, wall_clock, tzinfo=PARIS)


def test_stage_deadline_and_late_flag_count_days_in_paris(client, frozen_day):
    """A dossier submitted on the first second of the deadline's first day is due today, not
    late; one submitted on the last second of the day before is one day late — in the Python
    delay, in the tab's SQL count and on the page alike."""
    today = paris_today(frozen_day)
    days = settings.STAGE_DEADLINE_DAYS["submitted"]
    on_time, cast = dossier_in_state(S.SUBMITTED)
    late, _ = dossier_in_state(S.SUBMITTED)
    Dossier.objects.filter(pk=on_time.pk).update(
        state_changed_at=_at_paris(today - timedelta(days=days), time(0, 0, 30))
    )
    Dossier.objects.filter(pk=late.pk).update(
        state_changed_at=_at_paris(today - timedelta(days=days + 1), time(23, 59, 30))
    )
    on_time.refresh_from_db()
    late.refresh_from_db()

    assert dossier_delay(on_time).today == today
    assert (dossier_delay(on_time).deadline, dossier_delay(on_time).late) == (today, False)
    assert dossier_delay(on_time).days_left == 0
    assert (dossier_delay(late).late, dossier_delay(late).days_late) == (True, 1)
    submitted = next(tab for tab in instructor_queue_tabs() if tab.state == S.SUBMITTED)
    assert (submitted.total, submitted.late) == (2, 1)
    client.force_login(cast.instructor)
    page = text(client.get(reverse("reviews:instructor-queue")))
    assert page.count("en retard de 1 jour") == 1
    assert "Déposé (2) — 1 en retard" in page
    assert french_date(today - timedelta(days=days)) in page


def test_expert_due_date_is_late_only_from_the_next_day_in_paris(client, frozen_day):
    today = paris_today(frozen_day)
    due_today, cast = dossier_in_state(S.SUBMITTED)
    overdue, _ = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    for dossier, due_on in ((due_today, today), (overdue, today - timedelta(days=1))):
        Assignment.objects.create(
            dossier=dossier, expert=person, domain="ethics", due_on=due_on, conflict_status="none"
        )
    client.force_login(person)

    page = text(client.get(reverse("reviews:expert-queue")))

    assert page.count("en retard de 1 jour") == 1
    assert french_date(today) in page
    assert french_date(today - timedelta(days=1)) in page


def test_decision_number_and_dates_follow_the_year_in_paris(client, frozen_day):
    year = paris_today(frozen_day).year
    decision, dossier, cast = decided(DecisionOutcome.REFUSED)

    assert decision.decided_at == frozen_day
    assert (decision.year, decision.sequence) == (year, 1)
    assert decision.number == f"REF-{year}-0001"
    assert dossier.reference.startswith(f"D-{year}-")
    client.force_login(cast.editor)
    page = text(client.get(reverse("applications:dossier-detail", args=[dossier.pk])))
    assert f"prise le {french_date(paris(frozen_day))}" in page


def test_decisions_on_each_side_of_new_year_in_paris_get_their_own_year():
    """The last decision of 2026 in Paris and the first of 2027, half an hour apart: both taken
    on 31 December in UTC."""
    end_of_year = datetime(2026, 12, 31, 23, 45, tzinfo=PARIS)
    with time_machine.travel(end_of_year, tick=False):
        before, _, _ = decided(DecisionOutcome.REFUSED)
    with time_machine.travel(end_of_year + timedelta(minutes=30), tick=False):
        after, _, _ = decided(DecisionOutcome.REFUSED)
    assert before.number == "REF-2026-0001"
    assert after.number == "REF-2027-0001"
    assert after.decided_at.astimezone(UTC).date() == before.decided_at.astimezone(UTC).date()


def test_timeline_shows_the_time_of_paris(client, frozen_day):
    small_referential()
    organisation = OrganisationFactory()
    person = editor(organisation, first_name="Alice", last_name="Martin")
    dossier = dossier_create(actor=person, service=ServiceFactory(organisation=organisation))
    client.force_login(person)

    page = text(client.get(reverse("applications:dossier-detail", args=[dossier.pk])))

    assert f"Le {french_datetime(frozen_day)}, par Alice Martin" in page


def test_invitation_is_valid_until_its_last_second_in_absolute_time(client, frozen_day):
    organisation = OrganisationFactory()
    owner = editor(organisation)
    invitation = invitation_create(organisation=organisation, actor=owner, email="new@demo.test")
    expires = frozen_day + timedelta(days=settings.INVITATION_VALIDITY_DAYS)

    assert invitation.expires_at == expires
    assert not invitation.is_expired
    with time_machine.travel(expires - timedelta(seconds=1), tick=False):
        assert not invitation.is_expired
    with time_machine.travel(expires, tick=False):
        assert invitation.is_expired
    client.force_login(owner)
    page = text(client.get(reverse("organisations:organisation-detail", args=[organisation.pk])))
    assert f"valable jusqu'au {french_date(paris(expires))}" in page


def test_due_date_and_session_date_of_today_in_paris_are_accepted(client, frozen_day):
    """ "Not in the past" means before today in Paris (at 00:30 on 1 January in Paris, 1 January
    is today although UTC still says 31 December)."""
    today = paris_today(frozen_day)
    dossier, cast = dossier_in_state(S.SUBMITTED)
    person = expert("ethics")
    client.force_login(cast.instructor)

    page = client.get(reverse("reviews:dossier-assignments", args=[dossier.pk]))
    assert (today + timedelta(days=21)).isoformat() in page.content.decode()
    response = client.post(
        reverse("reviews:assignment-create", args=[dossier.pk, "ethics"]),
        {"ethics-expert": person.pk, "ethics-due_on": today.isoformat()},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(dossier=dossier, domain="ethics").due_on == today
    yesterday = client.post(
        reverse("reviews:assignment-create", args=[dossier.pk, "rgpd"]),
        {"rgpd-expert": expert("rgpd").pk, "rgpd-due_on": (today - timedelta(1)).isoformat()},
    )
    assert yesterday.status_code == 400

    chair, member = staff_user("commission_member"), staff_user("commission_member")
    response = client.post(
        reverse("reviews:commission-session-create"),
        {
            "title": "Séance du jour",
            "date": today.isoformat(),
            "members": [chair.pk, member.pk],
            "chair": chair.pk,
            "quorum_ratio": "0.50",
        },
    )
    assert response.status_code == 302
    assert CommissionSession.objects.get(title="Séance du jour").date == today


# Seeding takes ≈ 15 s: the two instants where the Paris day or offset differs from UTC's.
@dates.frozen_at("new-year-in-paris", "spring-forward")
def test_demo_data_is_seeded_relative_to_today_in_paris(frozen_day, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from demo.seed import PAST_SESSION_TITLE, UPCOMING_SESSION_TITLE

    today = paris_today(frozen_day)

    call_command("seed_demo", "--force", "--catalogue=0", stdout=io.StringIO())

    upcoming = CommissionSession.objects.get(title=UPCOMING_SESSION_TITLE)
    past = CommissionSession.objects.get(title=PAST_SESSION_TITLE)
    assert (upcoming.date, past.date) == (today + timedelta(days=14), today - timedelta(days=21))
    due = set(Assignment.objects.exclude(due_on=None).values_list("due_on", flat=True))
    assert due == {today + timedelta(days=21)}
    numbers = list(Decision.objects.values_list("number", flat=True))
    assert numbers and all(n.startswith(f"REF-{today.year}-") for n in numbers)

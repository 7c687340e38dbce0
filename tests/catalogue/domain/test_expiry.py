"""A referencing's expiry: reminders 6, 3 and 1 months before its last day, each sent once to the
current members of the editor's organisation (a daily task run twice a day, on each day where
something may fall due, under a frozen clock); a missed reminder replaced by the nearest one;
the suspension the day after the last day, by the system, with its public motive and e-mail;
the upkeep during a renewal."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from applications.domain.dossiers import dossier_record_convention_signed
from applications.domain.transitions import dossier_withdraw
from applications.enums import DossierState
from applications.models import Dossier, TransitionLog
from catalogue.domain import publication
from catalogue.domain.expiry import (
    add_months,
    expiry_motive,
    referencing_expiry_run,
    renewal_under_way,
)
from catalogue.enums import EventKind, ExpiryStep
from catalogue.models import ExpiryReminder, Listing, PublicEvent
from catalogue.tasks import referencing_expiry_task
from conventions.domain.services import convention_build
from conventions.models import Convention
from portal.notifications.models import OutboxMessage
from portal.organisations.models import Membership
from tests.catalogue.helpers import published
from tests.catalogue.report_tools import T0, in_paris, renewal_dossier
from tests.factories.dossiers import _approve_card, dossier_in_state, measure_fields
from tests.factories.people import editor

pytestmark = pytest.mark.django_db

#: Published on 10 March 2026 for one year: referenced until 9 March 2027.
LAST_DAY = date(2027, 3, 9)
REMINDER_DAYS = {date(2026, 9, 9): 6, date(2026, 12, 9): 3, date(2027, 2, 9): 1}
REMINDER_SUBJECT = "Le référencement de « "


@pytest.fixture
def referencing(settings):
    settings.CONVENTION_DURATION_YEARS = 1
    settings.REFERENCING_REMINDER_MONTHS = [6, 3, 1]
    settings.REFERENCING_GRACE_MONTHS = 6
    with time_machine.travel(T0, tick=False):
        dossier, cast, listing = published()
    assert listing.renewal_due == LAST_DAY
    return dossier, cast, listing


def _run(day: date, *, task=False):
    with time_machine.travel(in_paris(day), tick=False):
        return referencing_expiry_task() if task else referencing_expiry_run().summary()


def _reminders_to(email: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=email, subject__startswith=REMINDER_SUBJECT))


def _state(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).state


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2027, 3, 9), -12, date(2026, 3, 9)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_s_last(day, months, expected):
    assert add_months(day, months) == expected


def _walk_days() -> list[date]:
    """The days a daily walk from 1 August 2026 to the last day meets a case on: the first, the
    eve, day and morrow of each reminder, a day amid each stretch between them, the last day's
    eve and the last day. On the other days nothing falls due, so running on these days alone
    sends what running on every day sends (a task that sent early, late or twice would show)."""
    edges = {date(2026, 8, 1), LAST_DAY - timedelta(days=1), LAST_DAY}
    for day in REMINDER_DAYS:
        edges |= {day - timedelta(days=1), day, day + timedelta(days=1)}
    edges = sorted(edges)
    middles = {
        a + (b - a) / 2 for a, b in zip(edges, edges[1:], strict=False) if b - a > timedelta(2)
    }
    return sorted({*edges, *middles})


def test_each_reminder_is_sent_once_on_its_day_by_a_task_run_twice_a_day(referencing):
    dossier, cast, listing = referencing
    sent_on = {}
    for day in _walk_days():
        before = len(_reminders_to(cast.editor.email))
        first = _run(day, task=True)
        second = _run(day, task=True)
        assert second["reminded"] == 0, day  # the second run of a day never sends again
        after = len(_reminders_to(cast.editor.email))
        if after != before:
            assert after == before + 1 and first["reminded"] == 1
            sent_on[day] = ExpiryReminder.objects.latest("pk").months_before

    assert sent_on == REMINDER_DAYS
    rows = ExpiryReminder.objects.filter(dossier=dossier).order_by("pk")
    assert [(r.step, r.months_before, r.skipped) for r in rows] == [
        (ExpiryStep.REMINDER, 6, False),
        (ExpiryStep.REMINDER, 3, False),
        (ExpiryStep.REMINDER, 1, False),
    ]
    assert {r.expires_on for r in rows} == {LAST_DAY}
    # The last day itself: still referenced, still listed.
    assert _state(dossier) == DossierState.PUBLISHED
    assert Listing.objects.get(pk=listing.pk).listed


def test_a_reminder_says_when_and_points_to_the_dossier(referencing, settings):
    dossier, cast, listing = referencing
    _run(date(2026, 12, 9))
    (message,) = _reminders_to(cast.editor.email)
    assert (
        message.subject == f"Le référencement de « {listing.card.name} » prend fin le 9 mars 2027"
    )
    assert "C'est dans 3 mois." in message.body
    base = settings.PORTAL_BASE_URL.rstrip("/")
    assert f"{base}/dossiers/{dossier.pk}/" in message.body
    # The page where the renewal is opened.
    assert f"Préparer le renouvellement : {base}/dossiers/{dossier.pk}/renouvellement/" in (
        message.body
    )


def test_former_members_receive_nothing(referencing):
    dossier, cast, listing = referencing
    organisation = dossier.service.organisation
    leaving = editor(organisation)
    deactivated = editor(organisation)
    _run(date(2026, 9, 9))
    assert len(_reminders_to(leaving.email)) == len(_reminders_to(deactivated.email)) == 1

    Membership.objects.filter(organisation=organisation, user=leaving).delete()
    deactivated.is_active = False
    deactivated.save()
    newcomer = editor(organisation)
    _run(date(2026, 12, 9))

    assert len(_reminders_to(leaving.email)) == 1
    assert len(_reminders_to(deactivated.email)) == 1
    assert len(_reminders_to(newcomer.email)) == 1
    assert len(_reminders_to(cast.editor.email)) == 2


def test_after_days_without_a_run_only_the_nearest_reminder_is_sent(referencing):
    dossier, cast, listing = referencing
    summary = _run(date(2027, 1, 15))  # neither the 6- nor the 3-month day had a run
    assert summary["reminded"] == 1
    (message,) = _reminders_to(cast.editor.email)
    assert "C'est dans 3 mois." in message.body
    rows = ExpiryReminder.objects.filter(dossier=dossier).order_by("months_before")
    assert [(r.months_before, r.skipped) for r in rows] == [(3, False), (6, True)]

    _run(date(2027, 1, 16))
    assert len(_reminders_to(cast.editor.email)) == 1
    _run(date(2027, 2, 20))  # the 1-month day was missed too: still sent, once
    _run(date(2027, 2, 21))
    assert len(_reminders_to(cast.editor.email)) == 2


def test_the_reminder_months_are_a_setting(referencing, settings):
    dossier, cast, listing = referencing
    settings.REFERENCING_REMINDER_MONTHS = [2]
    for day in (date(2026, 9, 9), date(2026, 12, 9), date(2027, 1, 8)):
        _run(day)
    assert _reminders_to(cast.editor.email) == []
    _run(date(2027, 1, 9))
    assert len(_reminders_to(cast.editor.email)) == 1


def test_the_day_after_the_last_the_system_suspends_the_service_once(referencing):
    dossier, cast, listing = referencing
    assert _run(LAST_DAY)["suspended"] == 0
    mails = OutboxMessage.objects.count()

    summary = _run(LAST_DAY + timedelta(days=1), task=True)

    assert summary["suspended"] == 1
    assert _state(dossier) == DossierState.SUSPENDED
    assert not Listing.objects.get(pk=listing.pk).listed
    motive = "Référencement arrivé à échéance le 9 mars 2027."
    assert expiry_motive(LAST_DAY) == motive
    log = TransitionLog.objects.filter(dossier=dossier).order_by("-seq").first()
    assert (log.transition, log.actor_id, log.comment) == ("suspend", None, motive)
    event = PublicEvent.objects.filter(listing=listing).order_by("-pk").first()
    assert (event.kind, event.motive) == (EventKind.SUSPENDED, motive)
    # The editor's members are told by the transition's e-mail, « par le système ».
    told = OutboxMessage.objects.filter(to=cast.editor.email).order_by("-pk").first()
    assert "Suspendu" in told.subject
    assert "le système" in told.body and motive in told.body

    after = OutboxMessage.objects.count()
    assert after > mails
    for day in (LAST_DAY + timedelta(days=1), LAST_DAY + timedelta(days=2)):
        assert _run(day) == {"reminded": 0, "kept": 0, "suspended": 0, "failed": 0}
    assert OutboxMessage.objects.count() == after
    assert TransitionLog.objects.filter(dossier=dossier, transition="suspend").count() == 1
    assert ExpiryReminder.objects.filter(dossier=dossier, step=ExpiryStep.SUSPENSION).count() == 1


def test_a_service_reinstated_after_its_suspension_at_expiry_is_not_suspended_again(referencing):
    dossier, cast, listing = referencing
    _run(LAST_DAY + timedelta(days=1))
    with time_machine.travel(in_paris(LAST_DAY + timedelta(days=2)), tick=False):
        publication.dossier_reinstate(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=cast.admin,
            comment="Corrigé.",
            **measure_fields("reinstate"),
        )
    _run(LAST_DAY + timedelta(days=3))
    assert _state(dossier) == DossierState.PUBLISHED
    assert TransitionLog.objects.filter(dossier=dossier, transition="suspend").count() == 1


def test_while_a_renewal_is_under_way_the_service_stays_published_for_the_grace_months(
    referencing, client
):
    dossier, cast, listing = referencing
    with time_machine.travel(in_paris(date(2026, 8, 1)), tick=False):
        renewal = renewal_dossier(dossier)
    assert renewal_under_way(dossier) == renewal

    for day in REMINDER_DAYS:  # nothing to remind: the renewal is filed
        _run(day)
    assert _reminders_to(cast.editor.email) == []

    assert _run(LAST_DAY + timedelta(days=1))["kept"] == 1
    listing.refresh_from_db()
    assert listing.listed and listing.grace_until == date(2027, 9, 9)
    grace = OutboxMessage.objects.filter(to=cast.editor.email, subject__contains="reste publié")
    assert grace.count() == 1
    assert renewal.reference in grace.get().body
    with time_machine.travel(in_paris(LAST_DAY + timedelta(days=2)), tick=False):
        page = client.get(f"/catalogue/services/{listing.slug}/").content.decode()
    assert "le service reste au catalogue jusqu’au 9 septembre 2027 au plus tard" in page

    for day in (LAST_DAY + timedelta(days=2), date(2027, 9, 9)):
        assert _run(day) == {"reminded": 0, "kept": 0, "suspended": 0, "failed": 0}
    assert grace.count() == 1
    assert _state(dossier) == DossierState.PUBLISHED

    assert _run(date(2027, 9, 10))["suspended"] == 1
    assert _state(dossier) == DossierState.SUSPENDED
    log = TransitionLog.objects.filter(dossier=dossier).order_by("-seq").first()
    assert log.comment == "Référencement arrivé à échéance le 9 mars 2027."


def test_a_renewal_withdrawn_during_the_grace_months_ends_them(referencing):
    dossier, cast, listing = referencing
    with time_machine.travel(in_paris(date(2027, 2, 20)), tick=False):
        renewal = renewal_dossier(dossier)
    _run(LAST_DAY + timedelta(days=1))
    assert _state(dossier) == DossierState.PUBLISHED
    with time_machine.travel(in_paris(LAST_DAY + timedelta(days=4)), tick=False):
        dossier_withdraw(dossier=renewal, actor=cast.editor)
    _run(LAST_DAY + timedelta(days=5))
    assert _state(dossier) == DossierState.SUSPENDED


@pytest.mark.parametrize(
    ("linked", "state", "under_way"),
    [
        (True, DossierState.DRAFT, True),
        (True, DossierState.UNDER_EVALUATION, True),
        (True, DossierState.REFERENCED, True),
        (True, DossierState.WITHDRAWN, False),
        (True, DossierState.REFUSED, False),
        (True, DossierState.DEREFERENCED, False),
        (False, DossierState.DRAFT, False),  # another dossier of the service, not its renewal
    ],
)
def test_what_counts_as_a_renewal_under_way(referencing, linked, state, under_way):
    """The dossier that explicitly renews the published one (`Dossier.renews`), still open."""
    dossier, cast, listing = referencing
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        other = renewal_dossier(dossier, state=state, linked=linked)
    assert (renewal_under_way(dossier) == other) is under_way
    assert renewal_under_way(Dossier.objects.get(pk=other.pk)) is None  # never published


def test_the_last_day_is_the_signed_convention_s_on_the_dossier_and_the_public_page(client):
    """One rule: the convention's `referencing_ends_on` is the listing's last day, shown to the
    editor on the dossier's convention section and to the public on the service's page. (The
    convention's signatures are written directly: rendering and signing its PDF would import
    WeasyPrint, which changes how Pillow reads truncated images for the whole process.)"""
    with time_machine.travel(T0, tick=False):
        dossier, cast = dossier_in_state(DossierState.REFERENCED)
        convention = convention_build(
            dossier=dossier, decision=dossier.decisions.get(), actor=cast.admin
        )
        convention.save()
        now = timezone.now()
        Convention.objects.filter(pk=convention.pk).update(
            editor_signed_at=now, admin_signed_at=now, signed_at=now
        )
        dossier_record_convention_signed(dossier, now)
        dossier = _approve_card(Dossier.objects.get(pk=dossier.pk), cast)
        publication.dossier_publish(dossier=dossier, actor=cast.admin)
    convention.refresh_from_db()
    listing = Listing.objects.get(service_id=dossier.service_id)
    assert listing.renewal_due == convention.referencing_ends_on == date(2029, 3, 9)

    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        client.force_login(cast.editor)
        page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
        assert "Référencé jusqu’au 9 mars 2029" in page
        client.logout()
        public = client.get(f"/catalogue/services/{listing.slug}/").content.decode()
        assert "Référencé jusqu’au 9 mars 2029." in public


def test_the_migration_recomputes_the_last_day_of_the_listings_already_published(referencing):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("catalogue.migrations.0003_reports_controls_history")
    dossier, cast, listing = referencing
    Listing.objects.filter(pk=listing.pk).update(renewal_due=date(2027, 3, 10))  # the old rule
    migration.recompute_renewal_due(apps, None)
    assert Listing.objects.get(pk=listing.pk).renewal_due == LAST_DAY

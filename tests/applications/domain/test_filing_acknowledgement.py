"""Filing a dossier sends its organisation's current members an acknowledgement: the reference and
the admissibility deadline (applications/domain/notifications.py, applications/domain/deadlines.py),
once each, after the commit."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from applications.domain import transitions as t
from applications.domain.deadlines import stage_deadline
from applications.enums import DossierState
from portal.notifications.models import OutboxMessage
from portal.notifications.services import outbox_deliver
from portal.organisations.models import Membership
from tests.factories.dossiers import dossier_in_state
from tests.factories.people import editor

S = DossierState
pytestmark = pytest.mark.django_db

#: 23:30 in Paris on 30 November: the deadline counts from the local day, not the UTC one.
FILED_AT = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)


def _acknowledgements(dossier):
    subject = f"Accusé de réception : dossier {dossier.reference} déposé"
    return OutboxMessage.objects.filter(subject=subject)


@pytest.mark.parametrize("tz", ["Europe/Paris", "Pacific/Auckland", "America/Los_Angeles"])
def test_filing_tells_every_current_member_once_with_reference_and_deadline(
    settings, django_capture_on_commit_callbacks, mailoutbox, tz
):
    settings.STAGE_DEADLINE_DAYS = {**settings.STAGE_DEADLINE_DAYS, "submitted": 15}
    dossier, cast = dossier_in_state(S.DRAFT)
    organisation = dossier.service.organisation
    colleague = editor(organisation)
    former = editor(organisation)
    Membership.objects.filter(user=former).delete()  # left the organisation
    inactive = editor(organisation, is_active=False)
    outsider = editor()
    OutboxMessage.objects.all().delete()

    with time_machine.travel(FILED_AT, tick=False), timezone.override(tz):
        with django_capture_on_commit_callbacks() as callbacks:
            t.dossier_submit(dossier=dossier, actor=cast.editor)
        assert not mailoutbox  # nothing left before the commit
        for callback in callbacks:
            callback()
        messages = list(_acknowledgements(dossier))
        assert sorted(m.to for m in messages) == sorted([cast.editor.email, colleague.email])
        assert not {former.email, inactive.email, outsider.email} & {m.to for m in messages}
        # Each member gets this e-mail only: no second message on the same filing.
        assert OutboxMessage.objects.filter(to=colleague.email).count() == 1
        assert OutboxMessage.objects.filter(to=cast.editor.email).count() == 1
        for message in messages:
            outbox_deliver(message_id=message.pk)

    assert len(mailoutbox) == 2
    body = " ".join(mailoutbox[0].body.split())
    assert dossier.reference in mailoutbox[0].subject
    assert f"Référence du dossier : {dossier.reference}" in body
    # Filed on 30 November (Paris), 15 days: by 15 December, whatever the server's time zone.
    assert "déposé le 30 novembre 2026 à 23:30" in body
    assert "dans un délai de 15 jours, soit au plus tard le 15 décembre 2026" in body
    assert f"Déposé par : {cast.editor.display_name}" in body
    assert f"/dossiers/{dossier.pk}/" in body


def test_the_acknowledgement_deadline_is_the_queues_deadline(settings):
    """One rule: the day the mail announces is the day the instructors' queue shows late after."""
    from reviews.domain.queues import dossier_delay

    with time_machine.travel(FILED_AT, tick=False):
        dossier, _cast = dossier_in_state(S.SUBMITTED)
        assert dossier_delay(dossier).deadline == stage_deadline(dossier)
        assert stage_deadline(dossier).isoformat() == "2026-12-15"


def test_resubmitting_an_incomplete_dossier_is_acknowledged_too():
    dossier, cast = dossier_in_state(S.INCOMPLETE)
    OutboxMessage.objects.all().delete()

    t.dossier_resubmit(dossier=dossier, actor=cast.editor)

    assert list(_acknowledgements(dossier).values_list("to", flat=True)) == [cast.editor.email]


def test_a_failed_filing_acknowledges_nothing():
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    OutboxMessage.objects.all().delete()

    with pytest.raises(t.TransitionBlocked):
        t.dossier_submit(dossier=dossier, actor=cast.editor)

    assert not _acknowledgements(dossier).exists()


def test_other_transitions_send_no_acknowledgement():
    dossier, cast = dossier_in_state(S.SUBMITTED)
    OutboxMessage.objects.all().delete()

    t.dossier_withdraw(dossier=dossier, actor=cast.editor)

    assert not _acknowledgements(dossier).exists()

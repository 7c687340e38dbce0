"""The convention's PDF produced by a REAL Celery worker on the REAL Redis started by bin/test,
then signed by both parties, each step's e-mail delivered after its commit; and the periodic
sweep that re-queues a document whose hand-off to the broker was lost."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from conventions.domain.services import convention_draw_up
from conventions.models import Convention
from conventions.tasks import convention_retry_pending_task
from portal.celery import app
from portal.notifications.models import OutboxMessage, OutboxStatus
from tests.decisions.helpers import wait_for
from tests.factories import staff_user
from tests.factories.conventions import accept, countersign, referenced_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def _worker():
    return start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10)


def _sent(part):
    return sorted(message.to[0] for message in mail.outbox if part in message.subject)


def _all_sent():
    return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


def test_real_worker_renders_the_convention_and_every_step_is_e_mailed():
    assert app.conf.broker_url.startswith("redis://") and not app.conf.task_always_eager
    dossier, _decision, cast = referenced_dossier()
    other_admin = staff_user("admin")
    with _worker():
        convention = convention_draw_up(dossier=dossier, actor=cast.admin)
        assert wait_for(lambda: Convention.objects.get(pk=convention.pk).pdf_ready)
        assert wait_for(lambda: _sent("à signer"))
        assert _sent("à signer") == [cast.editor.email]

        accept(Convention.objects.get(pk=convention.pk), cast.editor)
        assert wait_for(lambda: _sent("à contresigner"))
        assert _sent("à contresigner") == sorted([cast.admin.email, other_admin.email])

        countersign(Convention.objects.get(pk=convention.pk), cast.admin)
        assert wait_for(lambda: _sent("signée par les deux parties"))
        assert wait_for(_all_sent)
    assert _sent("signée par les deux parties") == sorted([cast.editor.email, other_admin.email])
    assert Convention.objects.get(pk=convention.pk).is_signed


def test_sweep_requeues_a_pending_document(broker_down):
    dossier, _decision, cast = referenced_dossier()
    convention = convention_draw_up(dossier=dossier, actor=cast.admin)  # hand-off lost
    assert Convention.objects.get(pk=convention.pk).pdf_pending
    assert convention_retry_pending_task(older_than_seconds=0) == 1
    assert convention_retry_pending_task() == 0  # not stale yet by the default delay

"""The outbox: rows written with the change, handed to a real Celery worker after commit."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from portal.celery import app
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.services import (
    OutboxDeliveryError,
    outbox_deliver,
    outbox_dispatch,
    outbox_enqueue,
    outbox_pending_ids,
)


def _wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_sends_the_message_after_commit():
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        with transaction.atomic():
            message = outbox_enqueue(
                to="editeur@exemple.test", subject="Dossier déposé", body="Votre dossier…"
            )
            assert message.status == OutboxStatus.QUEUED
        assert _wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
        )
    assert [m.to for m in mail.outbox] == [["editeur@exemple.test"]]
    assert mail.outbox[0].subject == "Dossier déposé"


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(to="x@exemple.test", subject="s", body="b")
        raise RuntimeError("échec de la transaction")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_failed_delivery_is_recorded_then_retried(settings):
    message = OutboxMessage.objects.create(to="x@exemple.test", subject="s", body="b")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(OutboxDeliveryError):
        outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
    # Delivering again sends nothing more.
    assert outbox_deliver(message_id=message.pk) is None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_broker_down_keeps_the_message_queued_for_the_sweep(broker_down):
    message = OutboxMessage.objects.create(to="x@exemple.test", subject="s", body="b")
    outbox_dispatch(message_id=message.pk)  # must not raise
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.pk in outbox_pending_ids(older_than_seconds=0)

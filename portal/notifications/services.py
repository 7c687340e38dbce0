"""The outbox: e-mails are rows first, handed to Celery only once the transaction commits."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from portal.jobs import dispatch

from .models import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 5
SEND_TASK = "portal.notifications.tasks.outbox_send_task"


def outbox_enqueue(*, to: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage.objects.create(to=to, subject=subject[:255], body=body)
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_enqueue_many(*, recipients: Iterable[str], subject: str, body: str) -> list:
    return [outbox_enqueue(to=to, subject=subject, body=body) for to in sorted(set(recipients))]


def outbox_dispatch(*, message_id: int) -> None:
    """Hand a message to Celery; if the broker is down the row stays queued for the retry sweep."""
    dispatch(SEND_TASK, message_id, label="Courriel")


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Send one message once. Returns None when it is gone or already sent; raises on failure.

    The row stays locked while sending so that two workers never send it twice; a failure is
    recorded (and committed) before `OutboxDeliveryError` tells Celery to retry.
    """
    error = None
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id)
            .exclude(status__in=[OutboxStatus.SENT, OutboxStatus.ABANDONED])
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
            ).send()
        except Exception as exc:  # any transport failure is recorded, then retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
            message.status = (
                OutboxStatus.ABANDONED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.FAILED
            )
            message.last_error = error
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    if error is not None:
        raise OutboxDeliveryError(error)
    return message


class OutboxDeliveryError(Exception):
    pass


def outbox_pending_ids(*, older_than_seconds: int = 120) -> list[int]:
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        OutboxMessage.objects.filter(
            status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED], created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )

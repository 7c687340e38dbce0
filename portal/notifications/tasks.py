from celery import shared_task

from .services import (
    MAX_ATTEMPTS,
    OutboxDeliveryError,
    outbox_deliver,
    outbox_dispatch,
    outbox_pending_ids,
)


@shared_task(
    bind=True,
    autoretry_for=(OutboxDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=MAX_ATTEMPTS - 1,
    acks_late=True,
)
def outbox_send_task(self, message_id: int) -> None:
    outbox_deliver(message_id=message_id)


@shared_task
def outbox_retry_pending_task() -> int:
    """Periodic sweep: re-queue messages whose hand-off to the broker was lost."""
    ids = outbox_pending_ids()
    for message_id in ids:
        outbox_dispatch(message_id=message_id)  # a broker down is logged, not raised
    return len(ids)

"""Celery entry points of the decisions: each takes an id, re-fetches, and calls a service."""

from celery import shared_task
from django.db import OperationalError

from .domain.documents import MAX_ATTEMPTS, DecisionRenderError, decision_render
from .domain.services import decision_dispatch, decision_pending_ids


@shared_task(
    bind=True,
    autoretry_for=(DecisionRenderError, OperationalError),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=MAX_ATTEMPTS - 1,
    acks_late=True,
)
def decision_render_pdf_task(self, decision_id: int) -> None:
    """Produce a decision's PDF; a decision gone or already rendered is left as it is."""
    decision_render(decision_id=decision_id)


@shared_task
def decision_retry_pending_task(older_than_seconds: int = 120) -> int:
    """Periodic sweep: re-queue decisions whose document is still pending (the hand-off to the
    broker was lost, or no worker ran). Rendering is idempotent, so a duplicate costs nothing."""
    ids = decision_pending_ids(older_than_seconds=older_than_seconds)
    for decision_id in ids:
        decision_dispatch(decision_id=decision_id)
    return len(ids)

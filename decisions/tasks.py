"""Celery entry points of the decisions: each takes an id, re-fetches, and calls a service."""

from celery import shared_task

from .domain.documents import DECISION_PDF, MAX_ATTEMPTS


@shared_task(
    bind=True,
    max_retries=MAX_ATTEMPTS - 1,
    acks_late=True,
    # A worker process that dies gives the message back at once; the attempts counted on the
    # row (portal.jobs) stop a document that kills every worker.
    reject_on_worker_lost=True,
)
def decision_render_pdf_task(self, decision_id: int) -> None:
    """Produce a decision's PDF; a decision gone or already rendered is left as it is. A failed
    attempt is retried with backoff (JOBS_RETRY_BACKOFF); the decision says "failed" after the
    last one."""
    DECISION_PDF.run_task(self, decision_id)


@shared_task
def decision_retry_pending_task(older_than_seconds: float | None = None) -> int:
    """Periodic sweep (every JOBS_SWEEP_INTERVAL): re-queue decisions whose document is still
    pending and untouched for JOBS_STALE_AFTER seconds (the hand-off to the broker was lost, or
    the worker died). Rendering is idempotent, so a duplicate costs nothing."""
    return DECISION_PDF.sweep(older_than_seconds=older_than_seconds)

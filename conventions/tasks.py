"""Celery entry points of the conventions: each takes an id, re-fetches, and calls a service."""

from celery import shared_task

from .domain.documents import CONVENTION_PDF, MAX_ATTEMPTS


@shared_task(
    bind=True,
    max_retries=MAX_ATTEMPTS - 1,
    acks_late=True,
    # A worker process that dies gives the message back at once; the attempts counted on the
    # row (portal.jobs) stop a document that kills every worker.
    reject_on_worker_lost=True,
)
def convention_render_pdf_task(self, convention_id: int) -> None:
    """Produce a convention's unsigned PDF; one gone or already rendered is left as it is. A
    failed attempt is retried with backoff (JOBS_RETRY_BACKOFF); the convention says "failed"
    after the last one."""
    CONVENTION_PDF.run_task(self, convention_id)


@shared_task
def convention_retry_pending_task(older_than_seconds: float | None = None) -> int:
    """Periodic sweep (every JOBS_SWEEP_INTERVAL): re-queue conventions whose document is still
    pending and untouched for JOBS_STALE_AFTER seconds. Rendering is idempotent."""
    return CONVENTION_PDF.sweep(older_than_seconds=older_than_seconds)

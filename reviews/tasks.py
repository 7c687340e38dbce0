"""Celery entry points of the reviews: each takes an id, re-fetches, and calls a service."""

from celery import shared_task

from .domain.report import MAX_ATTEMPTS, REPORT_PDF


@shared_task(
    bind=True,
    max_retries=MAX_ATTEMPTS - 1,
    acks_late=True,
    reject_on_worker_lost=True,  # see decisions.tasks: the row's attempts bound it
)
def report_render_pdf_task(self, report_id: int) -> None:
    """Produce an evaluation report's PDF once; retried with backoff, "failed" after the last
    attempt."""
    REPORT_PDF.run_task(self, report_id)


@shared_task
def report_retry_pending_task(older_than_seconds: float | None = None) -> int:
    """Periodic sweep (every JOBS_SWEEP_INTERVAL): re-queue reports still pending and untouched
    for JOBS_STALE_AFTER seconds."""
    return REPORT_PDF.sweep(older_than_seconds=older_than_seconds)

"""Celery entry points of the sandbox."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def sandbox_clear_tokens_task() -> None:
    """Daily (CELERY_BEAT_SCHEDULE "sandbox-clear-tokens-daily"): django-oauth-toolkit's
    `cleartokens` on the sandbox's token models (the OAUTH2_PROVIDER_*_MODEL settings): expired
    access and ID tokens and authorization codes, refresh tokens revoked or idle past
    REFRESH_TOKEN_EXPIRE_SECONDS. Revoked refresh tokens stay until then: with reuse protection
    on, they are how the reuse of a rotated token is recognised."""
    call_command("cleartokens")


# -- the test book's report (sandbox/domain/test_book_report.py, a durable job) ----------------


@shared_task(bind=True, max_retries=5, acks_late=True, reject_on_worker_lost=True)
def report_render_pdf_task(self, report_id: int) -> None:
    """Produce a test book report's PDF; a report gone or already rendered is left as it is. A
    failed attempt is retried with backoff; the report says "failed" after the last one."""
    from .domain.test_book_report import TEST_BOOK_REPORT

    TEST_BOOK_REPORT.run_task(self, report_id)


@shared_task
def report_retry_pending_task(older_than_seconds: float | None = None) -> int:
    """Periodic sweep (every JOBS_SWEEP_INTERVAL): re-queue the reports still pending and
    untouched for JOBS_STALE_AFTER seconds. Rendering is idempotent."""
    from .domain.test_book_report import TEST_BOOK_REPORT

    return TEST_BOOK_REPORT.sweep(older_than_seconds=older_than_seconds)

"""Celery entry points of the catalogue: each calls a service and returns what it did."""

from celery import shared_task

from .domain.expiry import referencing_expiry_run


@shared_task
def referencing_expiry_task() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE "referencing-expiry-daily"): the reminders before each
    referencing's expiry and the suspensions at it. Each step is taken once: a second run the
    same day, or a run after days without one, sends nothing twice."""
    return referencing_expiry_run().summary()

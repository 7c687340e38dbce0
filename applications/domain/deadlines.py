"""How long a dossier may stay in each instruction state (`settings.STAGE_DEADLINE_DAYS`, from
the `DEADLINE_<ÉTAT>_DAYS` variables) and the day its current stage runs out: the one rule the
instructors' queue (reviews/domain/queues.py) and the acknowledgement of a filed dossier
(applications/domain/notifications.py) both read."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone


def stage_deadline_days(state: str) -> int | None:
    """Days a dossier may stay in `state`; None for a state without a deadline."""
    return settings.STAGE_DEADLINE_DAYS.get(str(state))


def stage_started_on(dossier) -> date | None:
    """The local day the dossier entered its current state."""
    moment = dossier.state_changed_at or dossier.submitted_at or dossier.created_at
    return timezone.localdate(moment) if moment else None


def stage_deadline(dossier) -> date | None:
    """The last day of the dossier's current stage, or None when that state has no deadline."""
    since = stage_started_on(dossier)
    days = stage_deadline_days(dossier.state)
    return since + timedelta(days=days) if since and days is not None else None

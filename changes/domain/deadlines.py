"""The days a declared change must be qualified by, and an unannounced one declared by: the one
rule the services, the to-do lists and the e-mails read (settings CHANGE_QUALIFICATION_MONTHS,
CHANGE_NOTIFY_WEEKS; Paris days)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from catalogue.domain.expiry import add_months


def qualification_due_on(declared_at: datetime) -> date:
    """The last day to qualify a change sent at `declared_at`: that local day plus
    CHANGE_QUALIFICATION_MONTHS calendar months (the month's last day when shorter)."""
    return add_months(timezone.localdate(declared_at), settings.CHANGE_QUALIFICATION_MONTHS)


def declaration_due_on(requested_at: datetime) -> date:
    """The last day to declare a change found unannounced, asked for at `requested_at`."""
    return timezone.localdate(requested_at) + timedelta(weeks=settings.CHANGE_NOTIFY_WEEKS)


@dataclass(frozen=True)
class Due:
    """A deadline as the pages show it: the day, and how late or how near it is."""

    deadline: date
    today: date

    @property
    def late(self) -> bool:
        return self.today > self.deadline

    @property
    def days_late(self) -> int:
        return (self.today - self.deadline).days if self.late else 0

    @property
    def days_left(self) -> int:
        return max((self.deadline - self.today).days, 0)


def due(deadline: date, today: date | None = None) -> Due:
    return Due(deadline, today or timezone.localdate())

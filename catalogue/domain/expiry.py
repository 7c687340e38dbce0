"""The end of a referencing: reminders before it, the service's suspension at it.

A published service is referenced until `Listing.renewal_due`, its convention's last day
(`conventions.models.referencing_end`). Once a day, Celery beat runs `referencing_expiry_run`
(catalogue/tasks.py), which for each listed service:

- **reminds** the current members of its editor's organisation `REFERENCING_REMINDER_MONTHS`
  (6, 3 and 1 by default) before that day (`referencing_expiry_reminder`). Each reminder is
  sent once: an `ExpiryReminder` row (unique per dossier, step and months) is written in the
  transaction that queues the e-mails. When the task did not run for a while, only the nearest
  reminder due is sent; the older ones are written as skipped, never sent late three at once.
  No reminder while a renewal is under way (`renewal_under_way`): it is what they ask for.
- **suspends** it the day after its last day, through the dossier's `suspend`
  (`dossier_suspend`, with no actor: the audit row and the e-mails say « le système »), with
  the public motive « Référencement arrivé à échéance le … »: the e-mail of the transition
  tells the editor's members, and the public change feed the motive.
- while a **renewal is under way**, keeps it published instead until the last day plus
  `REFERENCING_GRACE_MONTHS` (6 by default): its page says until when
  (`Listing.grace_until`), its editor's members are told once (`referencing_expiry_grace`);
  then suspends it the same way if the renewal is still not published.

Every step is taken once per dossier (the row is written with it): running the task twice, or
on consecutive days, changes nothing more. A service the administration reinstates after its
suspension at expiry is not suspended again for the same referencing. Each listing is handled
in a transaction of its own, its row locked, so two runs at once wait for each other.
"""

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionError
from applications.domain.renewal import open_renewal
from applications.enums import DossierState, TransitionName
from applications.models import Dossier, TransitionLog
from portal.notifications.messenger import notify

from ..enums import ExpiryStep
from ..models import ExpiryReminder, Listing
from .publication import dossier_suspend, listing_keep_during_renewal

logger = logging.getLogger(__name__)

#: The actor of what the portal does by itself: none (the audit row's actor stays empty).
SYSTEM = None


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative: back), on the same day of the month
    or the month's last day when it has fewer (31 August − 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_months() -> list[int]:
    """REFERENCING_REMINDER_MONTHS, largest first, without duplicates or zeros."""
    return sorted(
        {int(m) for m in settings.REFERENCING_REMINDER_MONTHS if int(m) > 0}, reverse=True
    )


def reminder_day(expires_on: date, months: int) -> date:
    """The day the reminder `months` before `expires_on` becomes due."""
    return add_months(expires_on, -months)


def grace_end(expires_on: date) -> date:
    """The last day a service stays published past `expires_on` while its renewal is examined."""
    return add_months(expires_on, settings.REFERENCING_GRACE_MONTHS)


def expiry_motive(expires_on: date) -> str:
    """The public motive of a suspension at expiry (French, whoever reads it later)."""
    with translation.override("fr"):
        return _("Référencement arrivé à échéance le %(date)s.") % {
            "date": date_format(expires_on, "j F Y")
        }


def published_at(dossier: Dossier):
    """When `dossier` was first published (its audit trail), or None."""
    return (
        TransitionLog.objects.filter(dossier=dossier, transition=TransitionName.PUBLISH)
        .order_by("seq")
        .values_list("created_at", flat=True)
        .first()
    )


def renewal_under_way(dossier: Dossier) -> Dossier | None:
    """The renewal of the published `dossier`, if one is under way: the dossier that explicitly
    renews it (`Dossier.renews`), in a state that is not final (refused, withdrawn,
    de-referenced). None otherwise (applications/domain/renewal.py `open_renewal`)."""
    return open_renewal(dossier)


@dataclass
class ExpiryRun:
    """What one run did, by listing id."""

    reminded: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    suspended: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {name: len(ids) for name, ids in vars(self).items()}


def referencing_expiry_run(*, today: date | None = None) -> ExpiryRun:
    """The daily pass over the listed services whose expiry is near or past."""
    today = today or timezone.localdate()
    months = reminder_months()
    horizon = add_months(today, months[0] + 1) if months else today
    candidates = list(
        Listing.objects.filter(
            listed=True,
            renewal_due__isnull=False,
            renewal_due__lte=horizon,
            dossier__state=DossierState.PUBLISHED,
        )
        .order_by("renewal_due", "pk")
        .values_list("pk", flat=True)
    )
    run = ExpiryRun()
    for listing_id in candidates:
        try:
            outcome = listing_expiry_step(listing_id=listing_id, today=today, months=months)
        except (TransitionError, IntegrityError):
            logger.exception("Échéance du référencement : service %s non traité.", listing_id)
            run.failed.append(listing_id)
            continue
        if outcome is not None:
            getattr(run, outcome).append(listing_id)
    return run


def listing_expiry_step(*, listing_id: int, today: date, months: list[int]) -> str | None:
    """Take the step due today for one listing, if any: "reminded", "kept", "suspended" or
    None (nothing due, or already taken)."""
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("dossier__service")
            .filter(pk=listing_id, listed=True)
            .first()
        )
        if listing is None or listing.renewal_due is None:
            return None
        dossier = listing.dossier
        if dossier.state != DossierState.PUBLISHED:
            return None
        taken = set(
            ExpiryReminder.objects.filter(dossier=dossier).values_list("step", "months_before")
        )
        if today > listing.renewal_due:
            return _past_expiry(listing, dossier, today=today, taken=taken)
        return _remind(listing, dossier, today=today, months=months, taken=taken)


def _step(listing, dossier, step, *, months_before=0, skipped=False) -> ExpiryReminder:
    return ExpiryReminder(
        listing=listing,
        dossier=dossier,
        step=step,
        months_before=months_before,
        expires_on=listing.renewal_due,
        skipped=skipped,
    )


def _remind(listing, dossier, *, today, months, taken) -> str | None:
    expires_on = listing.renewal_due
    due = [m for m in months if today >= reminder_day(expires_on, m)]
    if not due:
        return None
    nearest = min(due)
    if (ExpiryStep.REMINDER, nearest) in taken:
        return None
    if renewal_under_way(dossier) is not None:
        return None
    missed = [m for m in due if m != nearest and (ExpiryStep.REMINDER, m) not in taken]
    ExpiryReminder.objects.bulk_create(
        [
            _step(listing, dossier, ExpiryStep.REMINDER, months_before=m, skipped=True)
            for m in missed
        ]
        + [_step(listing, dossier, ExpiryStep.REMINDER, months_before=nearest)]
    )
    notify(
        "referencing_expiry_reminder",
        dossier=dossier,
        listing=listing,
        expires_on=expires_on,
        months_before=nearest,
        renewal_link=settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("applications:dossier-renewal", args=[dossier.pk]),
    )
    return "reminded"


def _past_expiry(listing, dossier, *, today, taken) -> str | None:
    expires_on = listing.renewal_due
    if (ExpiryStep.SUSPENSION, 0) in taken:
        return None  # suspended once for this referencing; a reinstatement stands
    renewal = renewal_under_way(dossier)
    if renewal is not None:
        until = grace_end(expires_on)
        if today <= until:
            if (ExpiryStep.GRACE, 0) in taken:
                return None
            _step(listing, dossier, ExpiryStep.GRACE).save()
            listing_keep_during_renewal(listing, until=until)
            notify(
                "referencing_expiry_grace",
                dossier=dossier,
                listing=listing,
                expires_on=expires_on,
                grace_until=until,
                renewal=renewal,
            )
            return "kept"
    _step(listing, dossier, ExpiryStep.SUSPENSION).save()
    dossier_suspend(dossier=dossier, actor=SYSTEM, comment=expiry_motive(expires_on))
    return "suspended"

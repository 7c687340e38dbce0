"""What the tests of a referencing's expiry, the public's reports, the controls and the public
history share: a clock in Paris, a renewal dossier, a report made through the real service."""

import secrets
from datetime import UTC, date, datetime, time

from django.utils import timezone

from applications.enums import DossierState
from applications.models import Dossier
from catalogue.domain import reports
from tests.dates import PARIS

#: When the tests publish their service: 10 mars 2026, 10:00 in Paris.
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

DESCRIPTION = "Le service affiche des conseils médicaux sans citer de source vérifiable."


def in_paris(day: date, hour: int = 10) -> datetime:
    """`day` at `hour` o'clock in Paris, as an aware instant."""
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def renewal_dossier(dossier: Dossier, *, state=DossierState.DRAFT, linked=True) -> Dossier:
    """Another dossier of the same service, created now in any `state`, that renews `dossier`
    (`linked`; the renewal's own service, `renewal_open`, is tested in
    tests/applications/test_renewal.py), or not."""
    return Dossier.objects.create(
        renews=dossier if linked else None,
        service_id=dossier.service_id,
        reference=f"D-{timezone.localdate().year}-{secrets.token_hex(3).upper()}",
        created_by=dossier.created_by,
        referential_version=dossier.referential_version,
        state=state,
        state_changed_at=timezone.now(),
    )


def report_on(listing, *, address="203.0.113.7", category="security", email="", description=""):
    return reports.report_create(
        listing=listing,
        category=category,
        description=description or DESCRIPTION,
        email=email,
        address=address,
    )

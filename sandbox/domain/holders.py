"""The fictitious holders of a client and their sign-in on the sandbox's page.

A holder's sign-in is kept apart from the portal's session and authentication: a cookie of its
own, signed (`django.core.signing`, with a salt of its own), valid for
SANDBOX_HOLDER_SESSION_SECONDS. Signing in or out of the sandbox never touches the portal
account of the same browser, and the portal's sign-in never makes anyone a holder.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from ..models import SandboxClient, SandboxHolder

#: Obviously fictitious names (given name, family name), epicene given names.
FICTITIOUS_NAMES = (
    ("Camille", "Exemple"),
    ("Dominique", "Essai"),
    ("Claude", "Démo"),
    ("Alix", "Fictif"),
    ("Sacha", "Simulé"),
    ("Charlie", "Maquette"),
)

_SALT = "sandbox.holder-session"


def fictitious_identifier() -> str:
    """15 digits shaped like an INS (13 digits and a key of 2, 97 − n mod 97) whose first digit
    is 9, which no real identifier has (they start with 1, 2, 3, 4, 7 or 8)."""
    digits = "9" + "".join(secrets.choice("0123456789") for _ in range(12))
    return f"{digits}{97 - int(digits) % 97:02d}"


def holders_generate(*, client: SandboxClient, count: int | None = None) -> list[SandboxHolder]:
    """Add `count` (SANDBOX_HOLDERS_PER_CLIENT by default) fictitious holders to `client`."""
    count = settings.SANDBOX_HOLDERS_PER_CLIENT if count is None else count
    start = client.holders.count()
    holders = []
    for index in range(start, start + count):
        given, family = FICTITIOUS_NAMES[index % len(FICTITIOUS_NAMES)]
        identifier = fictitious_identifier()
        while SandboxHolder.objects.filter(test_identifier=identifier).exists():
            identifier = fictitious_identifier()
        holders.append(
            SandboxHolder.objects.create(
                client=client, test_identifier=identifier, given_name=given, family_name=family
            )
        )
    return holders


@transaction.atomic
def holder_sign_in(*, holder: SandboxHolder) -> str:
    """Sign `holder` in (their `last_login`, the id_token's `auth_time`); the value of the
    sandbox's cookie that carries the sign-in."""
    holder.last_login = timezone.now()
    holder.save(update_fields=["last_login"])
    return signing.dumps({"holder": holder.pk}, salt=_SALT)


def holder_from_session(value: str | None) -> SandboxHolder | None:
    """The holder a sandbox cookie signs in, if it is genuine and recent enough."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT, max_age=settings.SANDBOX_HOLDER_SESSION_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("holder"), int):
        return None
    return (
        SandboxHolder.objects.select_related("client__dossier__service__organisation")
        .filter(pk=data["holder"])
        .first()
    )

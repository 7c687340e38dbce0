"""A holder's consent: recorded when they authorize the client (in the transaction that issues
the authorization code), withdrawn from their page, which revokes every token it opened."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..enums import CallKind, CallOutcome, Scope
from ..models import (
    SandboxAccessToken,
    SandboxConsent,
    SandboxGrant,
    SandboxHolder,
    SandboxRefreshToken,
)
from .calls import call_record


def _ordered(scopes) -> str:
    wanted = set(scopes)
    known = [scope.value for scope in Scope if scope.value in wanted]
    return " ".join(known + sorted(wanted - set(known)))


def consent_record(*, holder: SandboxHolder, scopes: list[str]) -> SandboxConsent:
    """The holder's current consent, widened to `scopes` (created if there is none)."""
    with transaction.atomic():
        consent = (
            SandboxConsent.objects.select_for_update()
            .filter(holder=holder, withdrawn_at__isnull=True)
            .first()
        )
        if consent is None:
            return SandboxConsent.objects.create(
                holder=holder, scope=_ordered(scopes), granted_at=timezone.now()
            )
        consent.scope = _ordered([*consent.scopes, *scopes])
        consent.save(update_fields=["scope", "updated_at"])
        return consent


def consent_withdraw(*, consent: SandboxConsent) -> int:
    """Withdraw `consent`: every refresh token of the holder for the client is revoked with
    its whole family, every access token and pending authorization code deleted; the call is
    recorded for the editor. How many tokens were revoked (0 if it was already withdrawn)."""
    with transaction.atomic():
        consent = (
            SandboxConsent.objects.select_for_update(of=("self",))
            .select_related("holder__client")
            .get(pk=consent.pk)
        )
        if consent.withdrawn_at is not None:
            return 0
        holder = consent.holder
        client = holder.client
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at", "updated_at"])
        mine = {"user": holder, "application": client}
        families = set(
            SandboxRefreshToken.objects.filter(**mine, token_family__isnull=False).values_list(
                "token_family", flat=True
            )
        )
        revoked = (
            SandboxRefreshToken.objects.filter(**mine, revoked__isnull=True).count()
            + SandboxAccessToken.objects.filter(**mine).count()
        )
        for family in families:
            SandboxRefreshToken.revoke_family(family)
        for token in SandboxRefreshToken.objects.filter(**mine, revoked__isnull=True):
            token.revoke()  # one without a family (none are issued so, but never leave one)
        SandboxAccessToken.objects.filter(**mine).delete()
        SandboxGrant.objects.filter(**mine).delete()
        call_record(
            client=client,
            kind=CallKind.CONSENT_WITHDRAWN,
            outcome=CallOutcome.SUCCESS,
            holder=holder,
            verdict=ngettext(
                "Consentement retiré depuis le profil de test de %(holder)s : %(n)s jeton révoqué.",
                "Consentement retiré depuis le profil de test de %(holder)s : "
                "%(n)s jetons révoqués.",
                revoked,
            )
            % {"holder": holder.full_name, "n": revoked}
            + " "
            + _("Les jetons d’accès et de rafraîchissement ne fonctionnent plus."),
        )
        return revoked

"""Whether a person must pass a TOTP step, and whether *this session* passed it.

Every staff account (a staff role, `is_staff` or `is_superuser`) signs in through allauth's flow,
whose TOTP step records an "mfa" entry in the session's authentication records. Owning an
authenticator is not enough: a session opened any other way (Django's own admin login, a password
reset, a session older than this rule) reaches no staff page until it passes that step.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

#: The methods of allauth's second step: a TOTP code, or a recovery code.
SECOND_FACTOR_TYPES = frozenset({Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES})


def session_passed_second_factor(request, user) -> bool:
    """Whether this session's sign-in (or a later re-authentication) included a TOTP step."""
    return any(
        record.get("method") == "mfa" and record.get("type") in SECOND_FACTOR_TYPES
        for record in get_authentication_records(request, user)
    )


@receiver(authenticator_added)
def _activation_counts_as_second_factor(sender, request, user, authenticator, **kwargs):
    """Activating TOTP means typing a valid code from the new authenticator: the session has
    proved the second factor, as allauth's authentication step would have recorded it."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )

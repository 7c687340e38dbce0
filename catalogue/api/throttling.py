"""The anonymous rate limit of the open API and the FHIR view (REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES["anon"], counted per client address in the shared cache).

Responses the public cache answers never reach Django and are not counted: they cost nothing."""

from functools import wraps

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, reading its rate from the settings at each request (DRF's
    own reads them once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


def throttled(refused):
    """Decorate a plain Django view with the same limit; `refused(wait_seconds)` builds the
    answer given beyond it (the FHIR view's OperationOutcome)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = AnonymousRateThrottle()
            if not throttle.allow_request(request, None):
                wait = throttle.wait()
                response = refused(wait)
                if wait is not None:
                    response["Retry-After"] = str(max(1, int(wait)))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def client_address(request) -> str:
    """The client's address as this limit counts it (DRF's `get_ident`): REMOTE_ADDR, or behind
    API_TRUSTED_PROXIES proxies the address the last of them adds to X-Forwarded-For. Also the
    address the public's reports are limited by (catalogue/views/reports.py)."""
    return AnonymousRateThrottle().get_ident(request)

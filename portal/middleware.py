"""Cross-cutting request policies: security headers, private pages kept out of caches, and the
TOTP step for every staff session."""

from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse

from .accounts.mfa import session_passed_second_factor

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


#: Browser features the portal never uses, denied to it and to anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: templates load everything from static files; and no
    browser feature (camera, geolocation…) the portal does not use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivatePagesNoStoreMiddleware:
    """A page served to a signed-in person is theirs alone: no shared or browser cache keeps it
    (the back button after logout shows nothing). Static files never reach this middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response


class StaffMfaRequiredMiddleware:
    """Staff (a staff role, `is_staff` or `is_superuser`) reach no page, the admin included,
    until *this session* passed a TOTP step (`portal.accounts.mfa`).

    Without an authenticator they are sent to activate one; with one but a session that did
    not pass the step (e.g. opened by a password alone) to allauth's TOTP re-authentication.
    Only the pages of those steps, sign-in and sign-out, static files and the health check stay
    open.
    """

    open_prefixes = (
        "/comptes/login/",
        "/comptes/logout/",
        # The TOTP steps only: a session without the second factor cannot, say, deactivate it.
        "/comptes/2fa/authenticate/",
        "/comptes/2fa/reauthenticate/",
        "/comptes/2fa/totp/activate/",
        "/comptes/reauthenticate/",
        "/static/",
        "/healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_use_mfa
            and not request.path.startswith(self.open_prefixes)
        ):
            step = None
            if not user.has_totp:
                step = "mfa_activate_totp"
            elif not session_passed_second_factor(request, user):
                step = "mfa_reauthenticate"
            if step:
                return redirect(f"{reverse(step)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

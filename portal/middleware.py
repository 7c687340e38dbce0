"""Cross-cutting request policies: a strict Content-Security-Policy and MFA for staff roles."""

from django.shortcuts import redirect
from django.urls import reverse

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


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: templates load everything from static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class StaffMfaRequiredMiddleware:
    """Staff roles (everyone but editors) must activate TOTP before reaching any portal page.

    Only the account pages (where MFA is set up, and logout), static files and the health check
    stay reachable without it.
    """

    open_prefixes = ("/comptes/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_use_mfa
            and not request.path.startswith(self.open_prefixes)
            and not user.has_totp
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.get_full_path())
        return self.get_response(request)

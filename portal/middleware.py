"""Cross-cutting request policies: security headers, private pages kept out of caches, the TOTP
step for every staff session, and the anonymous pages answered from memory."""

import re
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_TOKEN_LENGTH, get_token
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

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
        # The language selector and the footer's mandatory pages (accessibility statement…).
        "/langue/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/gestion-des-cookies/",
        "/accessibilite/",
        # The sandbox's OAuth2 endpoints and its fictitious holders' pages: they never read the
        # portal account, only the sandbox's own signed cookie (sandbox/domain/holders.py).
        "/bac-a-sable/oauth/",
        "/bac-a-sable/titulaire/",
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


# ---------------------------------------------------------------------------------------------
# The anonymous pages, rendered once per process
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeptPage:
    headers: tuple[tuple[str, str], ...]
    #: The body, every CSRF token of the visitor it was rendered for replaced by `_PLACEHOLDER`.
    body: bytes
    #: The view asked for a CSRF token (so the CSRF cookie must be set, as it would have been).
    uses_csrf: bool
    #: The response said it expires at once (`never_cache`): say so again at each answer.
    expires_now: bool


#: Stands for the visitor's CSRF token in a kept page: 64 characters, as long as a token.
_PLACEHOLDER = secrets.token_hex(CSRF_TOKEN_LENGTH // 2).encode()
#: Runs of characters a CSRF token is made of, at least as long as a token.
_TOKEN_RUNS = re.compile(rb"[%s]{%d,}" % (CSRF_ALLOWED_CHARS.encode(), CSRF_TOKEN_LENGTH))
_CHARS = CSRF_ALLOWED_CHARS
_kept: dict[tuple, _KeptPage] = {}
_paths: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


def forget_kept_pages() -> None:
    """Forget every page this process keeps: the next visitor's request renders it again."""
    with _lock:
        _kept.clear()
        _paths.clear()


@receiver(setting_changed)
def _forget_on_setting_changed(**kwargs):
    """A page kept under other settings (templates, title, URLs…) is no longer the page."""
    forget_kept_pages()


def _unmasks_to(candidate: bytes, secret: str) -> bool:
    """Whether `candidate` is a masked CSRF token of `secret` (django.middleware.csrf's cipher)."""
    text = candidate.decode("ascii")
    mask, cipher = text[: len(text) // 2], text[len(text) // 2 :]
    unmasked = "".join(
        _CHARS[(_CHARS.index(c) - _CHARS.index(m)) % len(_CHARS)]
        for c, m in zip(cipher, mask, strict=True)
    )
    return constant_time_compare(unmasked, secret)


def _without_tokens(body: bytes, secret: str | None) -> tuple[bytes, int] | None:
    """`body` with every masked CSRF token of `secret` replaced by the placeholder, and how many
    there were; None when the visitor's secret itself shows (such a page is never kept). Every
    window of every run of token characters is tried, so no token hides inside a longer run."""
    if not secret:
        return body, 0
    if secret.encode() in body or _PLACEHOLDER in body:
        return None
    tokens = set()
    for run in _TOKEN_RUNS.finditer(body):
        text = run.group()
        for start in range(len(text) - CSRF_TOKEN_LENGTH + 1):
            window = text[start : start + CSRF_TOKEN_LENGTH]
            if _unmasks_to(window, secret):
                tokens.add(window)
    for token in tokens:
        body = body.replace(token, _PLACEHOLDER)
    return body, len(tokens)


class AnonymousPageCacheMiddleware:
    """The anonymous home and the login page are the same for every visitor but for the CSRF
    token of the login form: each process renders each of them once, keeps it with the token
    replaced by a placeholder, and answers the next visitors from memory with *their* token put
    back (`get_token`, so that CsrfViewMiddleware sets their CSRF cookie as for the view).

    It sits right after CsrfViewMiddleware: the middlewares above it (security headers, CSP,
    CORS, static files, sessions, CommonMiddleware, the body limit, CSRF) run on every answer.
    Those below it only act for a signed-in visitor, a session or queued messages, which a kept
    page is never served to; the headers they add to an anonymous page (X-Frame-Options) are
    kept with it, and `Vary: Cookie` is said again (the page is another once signed in). A
    middleware added below that answers anonymous visitors differently per request must come
    above this one.

    What is kept and served:
    - only GET without a query string, on the pages of `url_names`, from a visitor who carries
      no cookie but the CSRF and language ones (no session, hence anonymous and without stored
      messages; no message cookie) and no Authorization header; kept per language, the one
      LocaleMiddleware (above) activated from that cookie or Accept-Language;
    - only a 200 answer that set no cookie, no Vary of its own, wrote nothing to the session,
      queued no message, and in which every CSRF token of the visitor was found and replaced
      (a page where the secret itself shows, or that used a token none of whose copies is
      found, is never kept): nobody's token is served to anyone else;
    - at most `max_pages` pages per process; none while DEBUG is on (templates being edited);
      forgotten when a setting changes (tests).
    The public catalogue has its own cache, in front of Django (portal/public_cache.py).
    """

    url_names = ("home", "account_login")
    max_pages = 16

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        kept = _kept.get(key)
        if kept is not None:
            return self._answer(request, kept)
        csrf_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = self.get_response(request)
        if not csrf_before and len(_kept) < self.max_pages:
            kept = self._keepable(request, response)
            if kept is not None:
                with _lock:
                    _kept[key] = kept
        return response

    def _pages(self) -> frozenset[str]:
        prefix = get_script_prefix()
        pages = _paths.get(prefix)
        if pages is None:
            pages = frozenset(reverse(name) for name in self.url_names)
            with _lock:
                _paths[prefix] = pages
        return pages

    def _key(self, request) -> tuple | None:
        if settings.DEBUG or request.method != "GET" or request.META.get("QUERY_STRING"):
            return None
        if request.path not in self._pages():
            return None
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        allowed = (settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME)
        if any(name not in allowed for name in request.COOKIES):
            return None
        return (request.path, get_language(), request.get_host(), request.scheme)

    def _keepable(self, request, response) -> _KeptPage | None:
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or response.has_header("Vary")
            or (session is not None and session.modified)
            or getattr(messages, "_queued_messages", None)
        ):
            return None
        uses_csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        found = _without_tokens(response.content, request.META.get("CSRF_COOKIE"))
        if found is None:
            return None
        body, count = found
        if uses_csrf and not count:
            return None  # the view used a token we cannot see: it may hide in another form
        expires = response.get("Expires")
        expires_now = expires is not None
        if expires_now:
            moment = parse_http_date_safe(expires)
            if moment is None or moment > time.time():
                return None  # a page with a lifetime of its own: not ours to keep
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-length", "expires")
        )
        return _KeptPage(headers, body, uses_csrf, expires_now)

    def _answer(self, request, kept: _KeptPage) -> HttpResponse:
        body = kept.body
        if kept.uses_csrf:
            token = get_token(request)
            body = body.replace(_PLACEHOLDER, token.encode())
        response = HttpResponse(body)
        for name, value in kept.headers:
            response[name] = value
        if kept.expires_now:
            response["Expires"] = http_date(time.time())
        # As the rendered page said (LocaleMiddleware, above, adds Accept-Language).
        patch_vary_headers(response, ("Cookie",))
        return response

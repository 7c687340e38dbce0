"""Settings for referencement-portal, read from the environment in this one place.

Defaults are the safe production ones (DEBUG off, secure cookies, HSTS); the README's run command
switches to the embedded development defaults by setting DEBUG=true.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

# The key of the audit trail's HMAC chain (applications.TransitionLog): distinct from SECRET_KEY,
# so that leaking one does not let anyone forge the other.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")
if not AUDIT_HMAC_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY doit être défini quand DEBUG est désactivé.")
    AUDIT_HMAC_KEY = "dev-only-insecure-audit-key-never-used-in-production"  # noqa: S105
if not DEBUG and len(AUDIT_HMAC_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_HMAC_KEY doit compter au moins 32 caractères.")
if AUDIT_HMAC_KEY == SECRET_KEY:
    raise ImproperlyConfigured("AUDIT_HMAC_KEY doit être différente de SECRET_KEY.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "simple_history",
    "dsfr",
    "widget_tweaks",  # django-dsfr's radio and checkbox templates load it
    "rest_framework",  # the open API (catalogue/api/)
    "drf_spectacular",  # its OpenAPI 3 description
    "django_filters",
    "corsheaders",
    "portal",  # management commands (make_signing_pki, verify_pdf) and deployment checks
    "portal.accounts",
    "portal.organisations",
    "portal.notifications",
    "applications",
    "reviews",
    "decisions",
    "conventions",
    "catalogue",
    "changes",  # changes the editor declares after publication, and their qualification
    "oauth2_provider",  # the sandbox's OAuth2 / OpenID Connect server (its models: sandbox's)
    "sandbox",
    "demo",  # demo data and `manage.py seed_demo` (composes every app; no app imports it)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # Before anything that may answer (WhiteNoise, CommonMiddleware): CORS preflights.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (Django's order): the language comes from the
    # `django_language` cookie (set_language), else Accept-Language, else French. The caches of
    # anonymous pages key on it (AnonymousPageCacheMiddleware below, portal/public_cache.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads the form: an oversized body is never read.
    "portal.uploads.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # The anonymous home and login page from memory (the middlewares above run on each answer).
    "portal.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivatePagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.StaffMfaRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
#: Called once by the WSGI entry point (portal/wsgi.py), in each server process, before its first
#: request — never by tests or manage.py commands: what is slow on first use (fhir.resources'
#: models for the sandbox's FHIR endpoints, ≈ 0.4 s) is paid there, not by a caller. Dotted
#: paths, comma-separated in the environment; empty for a pool that serves no FHIR endpoint
#: (docker/compose.yaml: `web` has none, `web-fhir` serves /bac-a-sable/fhir/ — the models
#: weigh ≈ 15 MB per worker).
WSGI_WARM_UP = [
    path.strip()
    for path in env.list("WSGI_WARM_UP", default=["sandbox.fhir.warm_up"])
    if path.strip()
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"
# collectstatic rewrites url(...) inside the DSFR's CSS (hashed names), so django-dsfr's fixed
# subresource-integrity hashes would no longer match and browsers would block the stylesheets.
DSFR_USE_INTEGRITY_CHECKSUMS = False

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (one per web process or thread, per Celery process):
# see docs/deployment.md for how many a deployment needs.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, and a per-process memory while Redis is down (portal/cache.py).
            "BACKEND": "portal.cache.RedisWithLocalFallbackCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The parts of base.html that are the same on every page (the DSFR's assets, the footer), drawn
# once per process and language: in memory, as the templates they come from. Not while
# developing, where a template edited must show at once.
CACHES["chrome"] = {
    "BACKEND": "django.core.cache.backends."
    + ("dummy.DummyCache" if DEBUG else "locmem.LocMemCache"),
    "LOCATION": "chrome",
}

# Celery: the broker is Redis; without one (development) tasks run eagerly in the request.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers recycle their pool processes (PDF rendering grows memory): after so many tasks, or
# once a process passes so many KiB (checked after each task).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=100)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=200_000)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis gives an unacknowledged message back after this many seconds. It must exceed the longest
# task *and* the longest countdown of a retry (a worker holds that message unacknowledged until
# then; a shorter timeout would deliver it twice): the outbox's backoff reaches 3,600 s. Recovery
# after a dead worker does not wait for it: the sweeps below re-queue what it left pending.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3900),
}
# Durable jobs (portal/jobs.py: the decision and report PDFs). Every JOBS_SWEEP_INTERVAL seconds
# beat re-queues the pending ones untouched for JOBS_STALE_AFTER seconds (a PDF renders in < 1 s):
# after a worker dies, its PDF appears within STALE_AFTER + SWEEP_INTERVAL = 90 s of a worker
# being available again. A failed attempt is retried after JOBS_RETRY_BACKOFF × 2^(n − 1) s
# (at most JOBS_RETRY_BACKOFF_MAX, and in practice sooner, by the sweep).
JOBS_SWEEP_INTERVAL = env.float("JOBS_SWEEP_INTERVAL", default=30.0)
JOBS_STALE_AFTER = env.float("JOBS_STALE_AFTER", default=60.0)
JOBS_RETRY_BACKOFF = env.float("JOBS_RETRY_BACKOFF", default=10.0)
JOBS_RETRY_BACKOFF_MAX = env.float("JOBS_RETRY_BACKOFF_MAX", default=600.0)
CELERY_BEAT_SCHEDULE = {
    "outbox-retry-failed": {
        "task": "portal.notifications.tasks.outbox_retry_pending_task",
        "schedule": 300.0,
    },
    "evaluation-reports-pending": {
        "task": "reviews.tasks.report_retry_pending_task",
        "schedule": JOBS_SWEEP_INTERVAL,
    },
    "decision-documents-pending": {
        "task": "decisions.tasks.decision_retry_pending_task",
        "schedule": JOBS_SWEEP_INTERVAL,
    },
    "convention-documents-pending": {
        "task": "conventions.tasks.convention_retry_pending_task",
        "schedule": JOBS_SWEEP_INTERVAL,
    },
    "test-book-reports-pending": {
        "task": "sandbox.tasks.report_retry_pending_task",
        "schedule": JOBS_SWEEP_INTERVAL,
    },
    # Each day (Paris time): reminders before a referencing's expiry, its suspension at expiry
    # (catalogue/domain/expiry.py; each step taken once, so a second run does nothing).
    "referencing-expiry-daily": {
        "task": "catalogue.tasks.referencing_expiry_task",
        "schedule": crontab(hour=6, minute=15),
    },
    # Each night: the sandbox's expired OAuth2 tokens and codes (DOT's cleartokens).
    "sandbox-clear-tokens-daily": {
        "task": "sandbox.tasks.sandbox_clear_tokens_task",
        "schedule": crontab(hour=3, minute=40),
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, loading a signed-in person's roles with them (one query).
    "portal.accounts.backends.ModelBackend",
    "portal.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail only, verification mandatory, staff forced onto TOTP by our middleware.
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# First and last name too, so that people appear by name rather than by address (User.display_name).
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.NamesSignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Référencement MES] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Référencement Mon espace santé"
MFA_TOTP_PERIOD = 30

LANGUAGE_CODE = "fr"
# Each language named in itself (the header's language selector), as the DSFR asks.
LANGUAGES = [("fr", "Français"), ("en", "English")]
# locale/fr holds only the counted strings (French plural rule, n > 1); locale/en the English.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language a person chose with the header's selector (set_language): a strictly necessary
# cookie (portal/pages.py, page « Gestion des cookies »), kept a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads. A request body may declare at most UPLOAD_MAX_REQUEST_BYTES: the largest evidence file
# (20 MB, applications.evidence_files.MAX_EVIDENCE_BYTES) and 1 MB for the form around it; beyond,
# portal.uploads answers 413 before reading it (docker/nginx.conf has the same limit). Files over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file (so never more than the cap lands on disk);
# other form fields are limited to DATA_UPLOAD_MAX_MEMORY_SIZE (both Django's 2.5 MB, stated).
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=21 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# The largest logo an editor may upload for a catalogue card (catalogue.domain.logos).
CATALOGUE_LOGO_MAX_BYTES = env.int("CATALOGUE_LOGO_MAX_BYTES", default=1024 * 1024)

EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    default="Référencement Mon espace santé <ne-pas-repondre@referencement.example>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: production values by default; the run command sets DEBUG=true for local use.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Business settings
INVITATION_VALIDITY_DAYS = env.int("INVITATION_VALIDITY_DAYS", default=7)
#: Invitations e-mail addresses an editor chooses: at most this many in any 24 hours.
# The public pages answered from memory (portal/public_cache.py): the paths it looks at, how
# many responses and how large each a process keeps.
PUBLIC_CACHE_PREFIXES = ("/catalogue/", "/api/v1/", "/api/fhir/", "/sitemap.xml")
PUBLIC_CACHE_MAX_ENTRIES = env.int("PUBLIC_CACHE_MAX_ENTRIES", default=1000)
PUBLIC_CACHE_MAX_BYTES = env.int("PUBLIC_CACHE_MAX_BYTES", default=2 * 1024 * 1024)
PUBLIC_CACHE_TTL = env.int("PUBLIC_CACHE_TTL", default=300)
# Services per page of the public catalogue.
CATALOGUE_PAGE_SIZE = env.int("CATALOGUE_PAGE_SIZE", default=12)
INVITATIONS_PER_USER_PER_DAY = env.int("INVITATIONS_PER_USER_PER_DAY", default=20)
INVITATIONS_PER_ORGANISATION_PER_DAY = env.int("INVITATIONS_PER_ORGANISATION_PER_DAY", default=20)
# Marked for translation; portal/context_processors.py translates it for each page.
SITE_TITLE = gettext_noop("Référencement au catalogue de Mon espace santé")
#: The name account e-mails (sign-up, password reset) greet with (portal/accounts/adapter.py).
PORTAL_SITE_NAME = env.str("PORTAL_SITE_NAME", default="Référencement Mon espace santé")
#: Where people write about their data, the portal's accessibility or anything else (footer pages).
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="contact@referencement.example")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
#: Years a referencing lasts from the last signature of its convention (stated in the convention).
CONVENTION_DURATION_YEARS = env.int("CONVENTION_DURATION_YEARS", default=3)
#: Months before a referencing's last day when its editor's members are reminded (each once; a
#: reminder missed while the daily task did not run is replaced by the nearest one due).
REFERENCING_REMINDER_MONTHS = env.list("REFERENCING_REMINDER_MONTHS", cast=int, default=[6, 3, 1])
#: Months a service stays published past its referencing's last day while a renewal is examined.
REFERENCING_GRACE_MONTHS = env.int("REFERENCING_GRACE_MONTHS", default=6)
#: Months the instruction team has to qualify a change an editor declares, and weeks an editor has
#: to declare one the team found unannounced (changes/domain/).
CHANGE_QUALIFICATION_MONTHS = env.int("CHANGE_QUALIFICATION_MONTHS", default=3)
CHANGE_NOTIFY_WEEKS = env.int("CHANGE_NOTIFY_WEEKS", default=4)
#: Weeks the experts of a partial re-evaluation have from the editor's update to sign
#: (changes/domain/partial_reviews.py).
PARTIAL_REVIEW_WEEKS = env.int("PARTIAL_REVIEW_WEEKS", default=6)
#: Problems the public may report (catalogue/domain/reports.py): per address and per day, per
#: service and per day (every address together); days the editor has to answer one.
REPORTS_PER_IP_PER_DAY = env.int("REPORTS_PER_IP_PER_DAY", default=5)
REPORTS_PER_SERVICE_PER_DAY = env.int("REPORTS_PER_SERVICE_PER_DAY", default=50)
REPORT_ANSWER_DAYS = env.int("REPORT_ANSWER_DAYS", default=30)
#: Whether the chair may open a commission vote before the session's day (tests, demonstrations).
COMMISSION_VOTES_OPEN_EARLY = env.bool("COMMISSION_VOTES_OPEN_EARLY", default=False)
#: Days a dossier may stay in each instruction state before the instructors' queue shows it late.
STAGE_DEADLINE_DAYS = {
    "submitted": env.int("DEADLINE_SUBMITTED_DAYS", default=15),
    "under_evaluation": env.int("DEADLINE_UNDER_EVALUATION_DAYS", default=45),
    "complements_requested": env.int("DEADLINE_COMPLEMENTS_REQUESTED_DAYS", default=30),
    "evaluated": env.int("DEADLINE_EVALUATED_DAYS", default=30),
}

# Electronic signature of the portal's PDFs (portal/signing.py: PAdES, pyHanko). Production sets
# its qualified "cachet serveur": private key, certificate and the CA certificates above it (PEM
# or DER; the key optionally encrypted with PDF_SIGNING_KEY_PASSPHRASE). PDF_SIGNING_TRUST_ROOTS
# (PEM) lists the roots `verify_pdf` trusts, by default those of the chain file. bin/run and the
# tests generate a throwaway set (portal/pki.py, `manage.py make_signing_pki DIR`); without a key
# and certificate `check --deploy` fails and no decision PDF can be produced.
PDF_SIGNING_KEY_FILE = env.str("PDF_SIGNING_KEY_FILE", default="")
PDF_SIGNING_CERT_FILE = env.str("PDF_SIGNING_CERT_FILE", default="")
PDF_SIGNING_CHAIN_FILE = env.str("PDF_SIGNING_CHAIN_FILE", default="")
PDF_SIGNING_KEY_PASSPHRASE = env.str("PDF_SIGNING_KEY_PASSPHRASE", default="")
PDF_SIGNING_TRUST_ROOTS = env.str("PDF_SIGNING_TRUST_ROOTS", default="")

# The sandbox of Mon espace santé's pairing (sandbox/, under /bac-a-sable/): OAuth2 and OpenID
# Connect by django-oauth-toolkit, whose models are the sandbox's (a client per data-exchange
# dossier; fictitious holders as resource owners, never a portal account). Durations in seconds.
# The RSA key of the id_tokens is never in the repository: SANDBOX_OIDC_RSA_KEY_FILE (PEM; bin/run
# and the tests generate a throwaway one, `manage.py make_sandbox_oidc_key PATH`); without a
# usable key `check --deploy` fails (sandbox/checks.py). A grace period for refresh tokens
# cannot be combined with the hashed storage of tokens (DOT's check oauth2_provider.E001).
SANDBOX_OIDC_RSA_KEY_FILE = env.str("SANDBOX_OIDC_RSA_KEY_FILE", default="")
#: How long a fictitious holder's sign-in on the sandbox's page lasts (its own signed cookie).
SANDBOX_HOLDER_SESSION_SECONDS = env.int("SANDBOX_HOLDER_SESSION_SECONDS", default=30 * 60)
#: Fictitious holders generated with each sandbox client.
SANDBOX_HOLDERS_PER_CLIENT = env.int("SANDBOX_HOLDERS_PER_CLIENT", default=3)
OAUTH2_PROVIDER_APPLICATION_MODEL = "sandbox.SandboxClient"
OAUTH2_PROVIDER_GRANT_MODEL = "sandbox.SandboxGrant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "sandbox.SandboxAccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "sandbox.SandboxRefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "sandbox.SandboxIDToken"


def _sandbox_oidc_key(path: str) -> str:
    try:
        return Path(path).read_text() if path else ""
    except OSError:
        return ""  # reported by `check --deploy` (sandbox.E001)


OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "sandbox.domain.oauth.SandboxOAuth2Validator",
    "OIDC_SERVER_CLASS": "sandbox.domain.oauth.SandboxServer",  # PKCE S256 only
    "SCOPES_BACKEND_CLASS": "sandbox.domain.scopes.DossierScopes",  # a client: its dossier's
    # Their descriptions (the consent page): sandbox.enums.Scope.
    "SCOPES": {
        "openid": "openid",
        "mesures": "mesures",
        "documents": "documents",
        "agenda": "agenda",
    },
    "PKCE_REQUIRED": True,
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _sandbox_oidc_key(SANDBOX_OIDC_RSA_KEY_FILE),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env.int("SANDBOX_AUTHORIZATION_CODE_SECONDS", default=60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("SANDBOX_ACCESS_TOKEN_SECONDS", default=10 * 60),
    "ID_TOKEN_EXPIRE_SECONDS": env.int("SANDBOX_ID_TOKEN_SECONDS", default=10 * 60),
    # Counted from the expiry of the access token it came with.
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int(
        "SANDBOX_REFRESH_TOKEN_SECONDS", default=30 * 24 * 3600
    ),
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": env.int("SANDBOX_REFRESH_TOKEN_GRACE_SECONDS", default=0),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # a rotated refresh token used again: family revoked
    "REQUEST_APPROVAL_PROMPT": "force",  # the holder consents each time, as on Mon espace santé
    # HTTPS only; a client also admits http://localhost and http://127.0.0.1 (SandboxClient).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # RFC 9700 (OAuth 2.0 Security Best Current Practice), every gate enforced: no implicit or
    # password grant, no `plain` PKCE, no token in a URL, `iss` in the authorization response,
    # tokens hashed at rest; refresh-token replay detection, exact redirect URIs and PKCE
    # required, or `check --deploy` fails.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # Read-only in the technical administration, nothing secret shown (sandbox/admin.py).
    "APPLICATION_ADMIN_CLASS": "sandbox.admin.SandboxClientAdmin",
    "ACCESS_TOKEN_ADMIN_CLASS": "sandbox.admin.SandboxAccessTokenAdmin",
    "GRANT_ADMIN_CLASS": "sandbox.admin.SandboxGrantAdmin",
    "ID_TOKEN_ADMIN_CLASS": "sandbox.admin.SandboxIDTokenAdmin",
    "REFRESH_TOKEN_ADMIN_CLASS": "sandbox.admin.SandboxRefreshTokenAdmin",
}

# The open API (catalogue/api/, documented at /api/v1/docs/), open data and change feed: anonymous
# and read-only. JSON only (the documentation page replaces DRF's browsable API, whose inline
# script the CSP refuses). Anonymous clients get API_ANON_RATE requests per address (counted in
# the shared cache; responses the public cache serves are not counted); behind
# API_TRUSTED_PROXIES proxies (the compose file's nginx: 1) the client is the address they add
# to X-Forwarded-For.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["catalogue.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="120/min")},
    "NUM_PROXIES": env.int("API_TRUSTED_PROXIES", default=1),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du catalogue de Mon espace santé",
    "DESCRIPTION": (
        "Les services numériques en santé référencés au catalogue de Mon espace santé : "
        "lecture seule, sans compte ni clé. Documentation : /api/v1/docs/."
    ),
    "VERSION": "1.0.0",
    "SERVERS": [{"url": PORTAL_BASE_URL.rstrip("/")}],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "Thematique": "applications.enums.Theme",
        "Region": "applications.enums.Region",
        "Plateforme": "applications.enums.Platform",
        "ModeleEconomique": "applications.enums.PriceModel",
        "Accessibilite": "catalogue.enums.Accessibility",
        "EchangeMes": "applications.enums.MesApi",
    },
}
# CORS: open to every origin, without credentials, for the read-only paths only.
CORS_URLS_REGEX = r"^/(api/|catalogue/donnees/|catalogue/flux\.).*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates each rendering step at INFO: keep workers' logs readable.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

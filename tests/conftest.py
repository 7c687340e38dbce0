import os
import time

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from portal.pki import generate_throwaway_pki, signing_environment
from sandbox.keys import oidc_key_generate

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def collected_static(django_test_environment):
    """Hashed static files in STATIC_ROOT, as production serves them: for the tests that need them
    (the browser journeys' live server, through WhiteNoise). Collected once, on first request.

    The same hashed names as in production, without WhiteNoise's gzip/brotli variants, which take
    ≈ 35 s to compute for the DSFR's 1,600 files and change nothing a browser renders."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(autouse=True)
def _plain_static_files(request, settings):
    """Without `collected_static`, `{% static %}` needs no manifest: the plain storage gives each
    file its own name (collecting 1,600 files costs seconds, and WhiteNoise would index them again
    for every test client)."""
    if "collected_static" in request.fixturenames:
        return
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class SignedInClient(Client):
    """The test client whose `force_login` opens the session a real sign-in would: password,
    then the TOTP step for a person who has an authenticator (allauth's authentication records).
    Tests of the sign-in itself use the real login views, or `force_login_password_only`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.authenticator_set.filter(type=Authenticator.Type.TOTP).exists():
            session = self.session
            now = time.time()
            session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "type": Authenticator.Type.TOTP},
            ]
            session.save()

    def force_login_password_only(self, user):
        """A session opened with the password alone (Django's own admin login did that)."""
        super().force_login(user)


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture(scope="session", autouse=True)
def _test_settings(django_test_environment):
    """For the whole session, module- and session-scoped fixtures included (the transition
    matrix builds its dossiers once per module): e-mails kept in memory, and a fast password
    hasher (production hashing costs ~0.3 s a password; tests create many people)."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def signing_pki(tmp_path_factory, django_test_environment):
    """A throwaway PKI (portal/pki.py) that signs every PDF of the session: its paths by role.
    Set in the settings and in the environment too, for the processes tests start (Celery
    workers, `manage.py check --deploy`), which inherit it."""
    paths = generate_throwaway_pki(tmp_path_factory.mktemp("pki"))
    variables = signing_environment(paths)
    previous = {name: os.environ.get(name) for name in [*variables, "PDF_SIGNING_KEY_PASSPHRASE"]}
    os.environ.update(variables)
    os.environ.pop("PDF_SIGNING_KEY_PASSPHRASE", None)
    try:
        with override_settings(**variables, PDF_SIGNING_KEY_PASSPHRASE=""):
            yield paths
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def sandbox_oidc_key(tmp_path_factory, django_test_environment):
    """A throwaway RSA key (sandbox/keys.py) that signs the sandbox's id_tokens for the whole
    session: in the settings, and in the environment for the processes tests start
    (`manage.py check --deploy`, which fails without it)."""
    path = oidc_key_generate(tmp_path_factory.mktemp("sandbox") / "oidc-rsa-key.pem")
    previous = os.environ.get("SANDBOX_OIDC_RSA_KEY_FILE")
    os.environ["SANDBOX_OIDC_RSA_KEY_FILE"] = str(path)
    provider = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": path.read_text()}
    try:
        with override_settings(SANDBOX_OIDC_RSA_KEY_FILE=str(path), OAUTH2_PROVIDER=provider):
            yield path
    finally:
        if previous is None:
            os.environ.pop("SANDBOX_OIDC_RSA_KEY_FILE", None)
        else:
            os.environ["SANDBOX_OIDC_RSA_KEY_FILE"] = previous


@pytest.fixture(autouse=True)
def _fresh_cache(request, settings):
    """Each test starts with an empty cache of its own, in memory (rate-limit counters must not
    leak from one test to another). Tests that request `redis_cache` keep the real Redis."""
    from django.core.cache import cache

    if "redis_cache" in request.fixturenames:
        return
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        },
    }
    cache.clear()


@pytest.fixture
def redis_cache():
    """The cache of the settings (the real Redis under bin/test), cleared before and after: for
    the tests of the cache itself and at least one rate limit on Redis, and the browser journeys."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def private_storage(settings, tmp_path):
    """Private files of this test in a folder of its own (worker threads and processes too)."""
    location = tmp_path / "private"
    location.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture
def broker_down():
    """Point Celery at a port where nothing listens, then restore it with fresh connection pools."""
    from portal.celery import app

    def reset_pools():
        from kombu import pools

        pools.reset()  # kombu's process-wide producer pools are keyed by connection
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    reset_pools()
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port: connection refused
    app.conf.broker_connection_max_retries = 0
    yield
    app.conf.broker_url = previous
    app.conf.broker_connection_max_retries = None
    reset_pools()

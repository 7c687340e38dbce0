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

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_test_environment):
    """Production settings serve hashed static files from STATIC_ROOT: collect them once.

    The same hashed names as in production, without WhiteNoise's gzip/brotli variants, which take
    ≈ 35 s to compute for the DSFR's 1,600 files and change nothing a browser renders."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


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


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Production hashing costs ~0.3 s a password; tests create many people.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache is the real Redis: rate-limit counters must not leak from one test to another."""
    from django.core.cache import cache

    cache.clear()
    yield
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

import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_test_environment):
    """Production settings serve hashed static files from STATIC_ROOT: collect them once."""
    call_command("collectstatic", interactive=False, verbosity=0)


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

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
def _no_sent_mail_leak(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

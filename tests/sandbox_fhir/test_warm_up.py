"""fhir.resources' models are warmed up by the WSGI entry point (settings.WSGI_WARM_UP), once
per server process, never by the tests or manage.py commands (which do not import it)."""

import importlib

from django.conf import settings
from django.test import override_settings
from django.utils.module_loading import import_string

from sandbox.fhir import warm_up

CALLS = []


def record() -> None:
    CALLS.append("warmed")


def test_the_sandbox_s_warm_up_is_named_in_the_settings():
    assert import_string("sandbox.fhir.warm_up") is warm_up
    assert "sandbox.fhir.warm_up" in settings.WSGI_WARM_UP


def test_the_wsgi_entry_point_calls_each_warm_up():
    wsgi = importlib.import_module("portal.wsgi")  # already warmed once at its import
    CALLS.clear()
    with override_settings(WSGI_WARM_UP=[f"{__name__}.record", f"{__name__}.record"]):
        wsgi._warm_up()
    assert CALLS == ["warmed", "warmed"]

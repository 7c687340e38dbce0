"""fhir.resources' models (and pydantic under them, ≈ 15 MB per process) are imported by the first
FHIR validation, never by the start of a process: a web worker of the `web` pool (no warm-up),
a Celery worker or a manage.py command never holds them, and no process that serves pages
imports WeasyPrint or pyHanko (the Celery worker renders and signs the PDFs). Each check runs
in a fresh interpreter, as a server process starts."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ("fhir.resources", "fhir_core", "pydantic")
NEVER_IN_A_WEB_WORKER = ("weasyprint", "pyhanko")


def _run(code: str, **env: str) -> dict:
    """Run `code` in a fresh interpreter with the project's settings; it prints a JSON object."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import json, sys\n" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


WATCHED = f"{MODELS + NEVER_IN_A_WEB_WORKER!r}"


def test_a_web_pool_worker_starts_without_the_models_and_loads_them_on_first_use():
    """As a worker of `web` (WSGI_WARM_UP empty): the apps, the WSGI application, the URLconf and
    the sandbox's modules (the test book reads the FHIR tables) import no model; the first
    validation does."""
    loaded = _run(
        "import portal.wsgi\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "import sandbox.fhir, sandbox.domain.fhir_api, sandbox.domain.test_book\n"
        f"before = [m for m in {WATCHED} if m in sys.modules]\n"
        "from sandbox.fhir import validate_appointment\n"
        'verdict = validate_appointment(b\'{"resourceType": "Appointment"}\')\n'
        f"after = [m for m in {WATCHED} if m in sys.modules]\n"
        "print(json.dumps({'before': before, 'after': after, 'status': verdict.status}))",
        WSGI_WARM_UP="",
    )
    assert loaded["before"] == []
    assert loaded["status"] == 422  # validated by the models: required elements missing
    assert set(loaded["after"]) == set(MODELS)  # and still no PDF library


def test_the_fhir_pool_warms_the_models_up_when_its_worker_starts():
    loaded = _run(
        "import portal.wsgi\n"
        "from django.conf import settings\n"
        "print(json.dumps({'warm_up': settings.WSGI_WARM_UP,"
        f" 'loaded': [m for m in {WATCHED} if m in sys.modules]}}))"
    )
    assert loaded["warm_up"] == ["sandbox.fhir.warm_up"]
    assert set(loaded["loaded"]) == set(MODELS)


def test_the_warm_ups_are_read_from_the_environment():
    code = "import portal.settings as s\nprint(json.dumps({'paths': s.WSGI_WARM_UP}))"
    assert _run(code, WSGI_WARM_UP="") == {"paths": []}
    assert _run(code, WSGI_WARM_UP="a.b, sandbox.fhir.warm_up,") == {
        "paths": ["a.b", "sandbox.fhir.warm_up"]
    }

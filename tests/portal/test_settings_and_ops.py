"""Production settings, the health check, the workflow document and the compose file."""

import importlib.util
import io
import re
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from applications.domain.diagram import workflow_mermaid

ROOT = Path(__file__).resolve().parents[2]


def _settings_module(monkeypatch, *, remove=(), **variables):
    """portal/settings.py executed afresh, as a new process would read it, in the environment of
    bin/test without `remove` and with `variables` (the environment is restored after the test):
    its settings. In this process, not in a new one: a new one costs seconds of imports."""
    for name in remove:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    path = ROOT / "portal" / "settings.py"
    spec = importlib.util.spec_from_file_location("_fresh_settings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def test_production_settings_pass_check_deploy_without_warning(monkeypatch):
    production = _settings_module(
        monkeypatch,
        # DJANGO_ALLOW_ASYNC_UNSAFE (set for the browser tests) fails the deployment check.
        remove={
            "SECURE_SSL_REDIRECT",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        },
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="referencement.example.gouv.fr",
    )
    # The same applications as the test process (a different list would need a new registry);
    # the test database aside (the checks run here do not read any database).
    assert production["INSTALLED_APPS"] == settings.INSTALLED_APPS
    changed = {
        name: value
        for name, value in production.items()
        if name != "DATABASES" and getattr(settings, name, object()) != value
    }
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"} <= changed.keys()
    out = io.StringIO()
    with override_settings(**changed):
        call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
    assert "System check identified no issues" in out.getvalue()


def test_settings_refuse_to_start_without_secret_key_in_production(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY doit être défini"):
        _settings_module(monkeypatch, remove={"SECRET_KEY", "DEBUG"})


def test_workflow_document_matches_the_code():
    document = (ROOT / "docs" / "workflow.md").read_text()
    block = re.search(r"```mermaid\n(.*?)```", document, re.S)
    assert block, "docs/workflow.md must hold a mermaid block"
    assert block.group(1) == workflow_mermaid(), (
        "docs/workflow.md is stale: regenerate it with `manage.py workflow_diagram`"
    )


def test_workflow_diagram_has_every_transition_edge():
    diagram = workflow_mermaid()
    assert "in_commission --> opinion_reserved : record_opinion" in diagram
    assert "opinion_unfavorable --> refused : decide" in diagram
    assert "suspended --> dereferenced : dereference" in diagram


def test_responses_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("account_login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp

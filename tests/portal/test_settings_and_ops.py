"""Production settings, the health check, the workflow document and the compose file."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from applications.domain.diagram import workflow_mermaid

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_without_warning():
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECURE_SSL_REDIRECT",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="referencement.example.gouv.fr",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


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

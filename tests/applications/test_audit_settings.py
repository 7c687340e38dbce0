"""AUDIT_HMAC_KEY: required in production, long, and distinct from SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 50


def load_settings(**variables):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"AUDIT_HMAC_KEY", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(len(s.AUDIT_HMAC_KEY))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "false", "SECRET_KEY": SECRET}, "AUDIT_HMAC_KEY doit être défini"),
        ({"DEBUG": "false", "SECRET_KEY": SECRET, "AUDIT_HMAC_KEY": "court"}, "au moins 32"),
        (
            {"DEBUG": "false", "SECRET_KEY": SECRET, "AUDIT_HMAC_KEY": SECRET},
            "différente de SECRET_KEY",
        ),
        (
            {"DEBUG": "true", "SECRET_KEY": SECRET, "AUDIT_HMAC_KEY": SECRET},
            "différente de SECRET_KEY",
        ),
    ],
)
def test_settings_refuse_a_missing_weak_or_shared_audit_key(variables, message):
    result = load_settings(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_accept_a_distinct_long_key():
    result = load_settings(DEBUG="false", SECRET_KEY=SECRET, AUDIT_HMAC_KEY="k" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "40"


def test_development_has_a_default_key():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr

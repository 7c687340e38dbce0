"""The deployment check of the PDF signature: `check --deploy` fails without a usable key and
certificate (tests/portal/test_settings_and_ops.py runs the whole command with the session's)."""

from datetime import UTC, datetime

import time_machine

from portal.checks import pdf_signing_check


def test_deploy_check_passes_with_a_signing_key():
    assert pdf_signing_check() == []


def test_deploy_check_fails_without_signing_key(settings):
    settings.PDF_SIGNING_KEY_FILE = ""
    [error] = pdf_signing_check()
    assert error.id == "portal.E001"
    assert error.is_serious()
    assert "signature électronique des PDF n'est pas configurée" in error.msg


def test_deploy_check_fails_with_an_unreadable_certificate(settings, tmp_path):
    settings.PDF_SIGNING_CERT_FILE = str(tmp_path / "absent.pem")
    [error] = pdf_signing_check()
    assert error.id == "portal.E002"


def test_deploy_check_fails_once_the_certificate_expired():
    with time_machine.travel(datetime(2040, 1, 1, tzinfo=UTC)):
        [error] = pdf_signing_check()
    assert error.id == "portal.E003"

"""The RSA key of the id_tokens: generated for development and tests, checked at deployment."""

import io
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from oauth2_provider.settings import oauth2_settings

from sandbox.checks import sandbox_oidc_key_check
from sandbox.keys import oidc_key_generate, oidc_key_problem


def test_the_generated_key_is_a_private_rsa_key_readable_by_its_owner_only(tmp_path):
    path = oidc_key_generate(tmp_path / "keys" / "oidc.pem")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert key.key_size == 2048
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert oidc_key_problem(path.read_text()) is None


def test_the_command_writes_a_key_and_says_what_to_export(tmp_path):
    out = io.StringIO()
    call_command("make_sandbox_oidc_key", str(tmp_path / "k.pem"), stdout=out)
    assert out.getvalue().strip() == f"export SANDBOX_OIDC_RSA_KEY_FILE={tmp_path / 'k.pem'}"


def test_the_deploy_check_passes_with_the_session_key():
    assert oauth2_settings.OIDC_RSA_PRIVATE_KEY
    assert sandbox_oidc_key_check() == []


@pytest.mark.parametrize(
    "pem, problem",
    [
        ("", "aucune clé"),
        ("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", "pas une clé privée"),
    ],
)
def test_the_deploy_check_fails_without_a_usable_key(settings, pem, problem):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": pem}
    errors = sandbox_oidc_key_check()
    assert [error.id for error in errors] == ["sandbox.E001"]
    assert problem in errors[0].msg

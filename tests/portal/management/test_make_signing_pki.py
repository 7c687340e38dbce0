"""`manage.py make_signing_pki DIR` writes a throwaway PKI and prints the variables to export."""

import io
import shlex

from django.core.management import call_command

from portal.signing import verify_pdf
from tests.portal.signature_tools import signed_once


def test_command_writes_the_files_and_prints_the_variables(tmp_path, settings):
    out, err = io.StringIO(), io.StringIO()
    call_command("make_signing_pki", str(tmp_path / "pki"), stdout=out, stderr=err)

    variables = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1)
        for line in out.getvalue().splitlines()
    )
    assert set(variables) == {
        "PDF_SIGNING_KEY_FILE",
        "PDF_SIGNING_CERT_FILE",
        "PDF_SIGNING_CHAIN_FILE",
        "PDF_SIGNING_TRUST_ROOTS",
    }
    assert "sans valeur" in err.getvalue()
    for name, value in variables.items():
        setattr(settings, name, value)
    [report] = verify_pdf(signed_once())
    assert report.ok

"""`manage.py verify_pdf FILE`: every signature described in French; exit 0 when all are verified,
1 for an unsigned, altered or untrusted document, 2 for a file that cannot be read."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.portal.signature_tools import (
    byte_changed,
    countersigned,
    page_rewritten,
    signed_once,
    signing_with_another_ca,
    unsigned_pdf,
)

ROOT = Path(__file__).resolve().parents[3]


def _file(tmp_path, content: bytes) -> Path:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return path


def _verify(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_pdf", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_countersigned_document_is_verified(tmp_path):
    status, out, _err = _verify(_file(tmp_path, countersigned(signed_once())))

    assert status == 0
    for expected in [
        "Signature 1 : champ « Signature-editeur »",
        "signataire : Jeanne Martin",
        "motif : Signature de la convention par le représentant légal de l'éditeur",
        "Signature 2 : champ « Signature-administration »",
        "signataire : Paul Durand",
        "certificat : Common Name: Portail du référencement (DÉVELOPPEMENT — sans valeur)",
        "intègre : oui",
        "valide : oui",
        "certificat de confiance : oui",
        "couvre tout le document : oui",
        "2 signatures vérifiées.",
    ]:
        assert expected in out, expected
    assert "date déclarée : " in out and "date déclarée : inconnue" not in out
    assert "NON VÉRIFIÉE" not in out


def test_changed_byte_exits_1(tmp_path):
    status, out, message = _verify(_file(tmp_path, byte_changed(signed_once())))
    assert status == 1
    assert "intègre : non" in out
    assert "NON VÉRIFIÉE" in out
    assert "Signature-editeur" in message


def test_page_rewritten_after_signing_exits_1(tmp_path):
    status, out, _message = _verify(_file(tmp_path, page_rewritten(signed_once())))
    assert status == 1
    assert "modifications ultérieures admises : non" in out


def test_signature_of_another_ca_exits_1(tmp_path):
    with signing_with_another_ca(tmp_path / "other"):
        content = signed_once()
    status, out, _message = _verify(_file(tmp_path, content))
    assert status == 1
    assert "certificat de confiance : non" in out


def test_unsigned_document_exits_1(tmp_path):
    status, _out, message = _verify(_file(tmp_path, unsigned_pdf()))
    assert status == 1
    assert "ne porte aucune signature électronique" in message


@pytest.mark.parametrize(
    "content, expected",
    [(b"ceci n'est pas un PDF", "n'est pas un PDF lisible"), (None, "Fichier illisible")],
)
def test_unreadable_file_exits_2(tmp_path, content, expected):
    path = _file(tmp_path, content) if content else tmp_path / "absent.pdf"
    status, _out, message = _verify(path)
    assert status == 2
    assert expected in message


@pytest.mark.parametrize("forged, status", [(False, 0), (True, 1)])
def test_command_line_exit_status(tmp_path, forged, status):
    """The real command line: its exit status, and a report free of pyHanko's tracebacks."""
    content = signed_once()
    path = _file(tmp_path, byte_changed(content) if forged else content)
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_pdf", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == status, result.stdout + result.stderr
    assert "Signature 1 : champ « Signature-editeur »" in result.stdout
    assert "Traceback" not in result.stderr, result.stderr

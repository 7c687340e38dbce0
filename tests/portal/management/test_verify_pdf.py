"""`manage.py verify_pdf FILE`: every signature described in French; exit 0 when all are verified,
1 for an unsigned, altered or untrusted document, 2 for a file that cannot be read."""

import io
import logging
from pathlib import Path

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from tests.portal.signature_tools import (
    byte_changed,
    countersigned,
    page_rewritten,
    signed_once,
    signing_with_another_ca,
    unsigned_pdf,
)


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


@pytest.fixture
def pyhanko_loggers():
    """pyHanko's loggers at their default level, as in a fresh process (the command quiets them
    for the rest of the process it runs in), and restored after the test."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.NOTSET)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _signed_by_another_ca(tmp_path):
    with signing_with_another_ca(tmp_path / "other"):
        return signed_once()


@pytest.mark.parametrize(
    "document, status",
    [(lambda _tmp_path: signed_once(), 0), (_signed_by_another_ca, 1)],
    ids=["verified", "untrusted"],
)
def test_command_line_exit_status(tmp_path, capsys, caplog, pyhanko_loggers, document, status):
    """The command line as manage.py runs it (in this process: a new one costs seconds of
    imports): its exit status, and a report free of pyHanko's tracebacks (which it logs, with
    their traceback, for an untrusted certificate)."""
    path = _file(tmp_path, document(tmp_path))
    argv = ["manage.py", "verify_pdf", str(path)]
    try:
        # What manage.py does, without its django.setup() (which would set up logging again).
        ManagementUtility(argv).fetch_command("verify_pdf").run_from_argv(argv)
    except SystemExit as exc:
        exit_status = exc.code
    else:
        exit_status = 0
    out, err = capsys.readouterr()
    assert exit_status == status, out + err
    assert "Signature 1 : champ « Signature-editeur »" in out
    assert "Traceback" not in err, err
    logged = [r for r in caplog.records if r.name.startswith("pyhanko")]
    assert not logged, [r.getMessage() for r in logged]

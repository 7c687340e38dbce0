"""What the decision tests share: taking a decision, and reading a PDF with poppler-utils."""

import subprocess
import tempfile
import time
from pathlib import Path

from applications.enums import DecisionOutcome, DossierState
from decisions.domain.services import dossier_decide
from decisions.models import Decision
from tests.factories.dossiers import dossier_in_state

S = DossierState
MOTIVES = "L'hébergement des données de santé n'est pas certifié HDS."


def decided(outcome=DecisionOutcome.REFUSED, *, state=None, motives=MOTIVES, **kwargs):
    """(decision, dossier, cast): a dossier brought to an opinion, then decided by the ministry."""
    if state is None:
        state = (
            S.OPINION_FAVORABLE if outcome == DecisionOutcome.REFERENCED else S.OPINION_UNFAVORABLE
        )
    dossier, cast = dossier_in_state(state)
    dossier = dossier_decide(
        dossier=dossier, actor=cast.ministry, outcome=outcome, motives=motives, **kwargs
    )
    return Decision.objects.get(dossier=dossier), dossier, cast


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _poppler(tool: str, content: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        return subprocess.run(
            [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout


def pdf_text(content: bytes) -> str:
    """The document's text with whitespace collapsed (lines break anywhere in a PDF)."""
    return " ".join(_poppler("pdftotext", content, "-enc", "UTF-8").split())


def pdf_fonts(content: bytes) -> list[tuple[str, str]]:
    """(font name, "yes"/"no" embedded) for every font of the document, as pdffonts lists them."""
    lines = _poppler("pdffonts", content).splitlines()[2:]
    fonts = []
    for line in lines:
        columns = line.split()
        # name type… encoding emb sub uni object ID: "emb" is the 5th column from the end.
        fonts.append((columns[0], columns[-5]))
    return fonts


def pdf_xmp(content: bytes) -> str:
    return _poppler("pdfinfo", content, "-meta")

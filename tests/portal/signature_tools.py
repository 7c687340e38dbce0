"""Documents to sign and the forger's tools: a real WeasyPrint PDF/A, a byte changed inside the
signed bytes, a page rewritten in an incremental update appended after the signatures, and a
signature made by a certificate of another throwaway CA."""

from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from portal.pdf import render_pdf_from_string
from portal.pki import generate_throwaway_pki
from portal.signing import sign_pdf

TITLE = "Convention de référencement n° 2026-0042"
HTML = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{TITLE}</title></head>
<body><h1>{TITLE}</h1><p>Entre le ministère chargé de la santé et l'éditeur.</p></body></html>"""


def unsigned_pdf() -> bytes:
    return render_pdf_from_string(HTML)


def signed_once(content: bytes | None = None, field_name: str = "Signature-editeur") -> bytes:
    return sign_pdf(
        content or unsigned_pdf(),
        field_name=field_name,
        signer_name="Jeanne Martin",
        reason="Signature de la convention par le représentant légal de l'éditeur",
    )


def countersigned(content: bytes) -> bytes:
    return sign_pdf(
        content,
        field_name="Signature-administration",
        signer_name="Paul Durand",
        reason="Contresignature de la convention par l'administration",
    )


def byte_changed(content: bytes) -> bytes:
    """One byte of the first revision changed inside a stream's data (the colour profile of the
    PDF/A output intent): the signed bytes differ, the file's structure still reads."""
    changed = bytearray(content)
    position = content.index(b"stream\n") + len(b"stream\n") + 100
    changed[position] ^= 0xFF
    return bytes(changed)


def page_rewritten(content: bytes) -> bytes:
    """An incremental update appended after the signatures that replaces the page's content."""
    writer = IncrementalPdfFileWriter(BytesIO(content))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Convention annulee) Tj ET")
    )
    writer.mark_update(page_ref)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


@contextmanager
def signing_with_another_ca(directory: Path):
    """Sign with a certificate of a second throwaway CA, the trust roots left as they are."""
    other = generate_throwaway_pki(directory)
    with override_settings(
        PDF_SIGNING_KEY_FILE=str(other["key"]),
        PDF_SIGNING_CERT_FILE=str(other["cert"]),
        PDF_SIGNING_CHAIN_FILE=str(other["chain"]),
    ):
        yield other

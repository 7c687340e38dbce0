"""PAdES signatures of the portal's PDFs: real WeasyPrint PDF/A documents signed with the session's
throwaway PKI (tests/conftest.py), checked by `verify_pdf` and by pyHanko itself; successive
signatures, forgeries, another CA, the PDF/A identification, and the settings."""

from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from portal.signing import (
    SigningNotConfigured,
    UnreadablePdf,
    outside_any_event_loop,
    sign_pdf,
    signing_configured,
    verify_pdf,
)
from tests.portal.signature_tools import (
    TITLE,
    byte_changed,
    countersigned,
    page_rewritten,
    signed_once,
    signing_with_another_ca,
    unsigned_pdf,
)

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@outside_any_event_loop  # pyHanko's own loop, even after a browser test started Playwright's
def _pyhanko_statuses(content, root_file):
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(root_file))])
    reader = PdfFileReader(BytesIO(content))
    return [
        (signature, validate_pdf_signature(signature, signer_validation_context=context))
        for signature in reader.embedded_signatures
    ]


def test_signed_pdf_is_intact_valid_and_trusted(signing_pki):
    content = signed_once()

    [report] = verify_pdf(content)
    assert report.ok
    assert (report.intact, report.valid, report.trusted) == (True, True, True)
    assert report.covers_whole_document
    assert report.field_name == "Signature-editeur"
    assert report.signer_name == "Jeanne Martin"
    assert report.reason == "Signature de la convention par le représentant légal de l'éditeur"
    assert report.signed_at is not None
    assert "Portail du référencement (DÉVELOPPEMENT — sans valeur)" in report.certificate_subject


def test_signature_is_pades_according_to_pyhanko(signing_pki):
    [(signature, status)] = _pyhanko_statuses(signed_once(), signing_pki["root_cert"])
    assert status.bottom_line
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Location"] == "France"
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_countersignature_keeps_the_first_signature_valid(signing_pki):
    first = signed_once()
    both = countersigned(first)

    assert both.startswith(first)  # an incremental update: the first revision is untouched
    editor, administration = verify_pdf(both)
    assert [editor.field_name, administration.field_name] == [
        "Signature-editeur",
        "Signature-administration",
    ]
    assert editor.ok and administration.ok
    assert not editor.covers_whole_document
    assert administration.covers_whole_document
    assert administration.signer_name == "Paul Durand"

    statuses = _pyhanko_statuses(both, signing_pki["root_cert"])
    assert [status.coverage for _signature, status in statuses] == [
        SignatureCoverageLevel.ENTIRE_REVISION,
        SignatureCoverageLevel.ENTIRE_FILE,
    ]
    assert all(status.bottom_line for _signature, status in statuses)


def test_a_byte_changed_after_signing_breaks_the_signature():
    [report] = verify_pdf(byte_changed(signed_once()))
    assert not report.intact
    assert not report.ok


def test_a_page_rewritten_after_the_signatures_is_not_allowed():
    forged = page_rewritten(countersigned(signed_once()))

    reports = verify_pdf(forged)
    assert len(reports) == 2
    assert all(report.intact and report.valid for report in reports)  # bytes left untouched…
    assert not any(report.covers_whole_document for report in reports)
    assert not any(report.later_changes_allowed for report in reports)  # …but the page changed
    assert not any(report.ok for report in reports)


def test_signature_by_another_ca_is_not_trusted(tmp_path):
    with signing_with_another_ca(tmp_path / "other"):
        content = signed_once()

    [report] = verify_pdf(content)
    assert report.intact and report.valid
    assert not report.trusted
    assert not report.ok


def test_signer_is_reloaded_when_the_settings_change(tmp_path):
    before = verify_pdf(signed_once())[0].certificate_subject
    with signing_with_another_ca(tmp_path / "other") as other:
        [report] = verify_pdf(signed_once())
    after = verify_pdf(signed_once())[0]
    assert other["cert"].is_file()
    assert not report.trusted
    assert after.trusted and after.certificate_subject == before


def test_unsigned_pdf_has_no_signature():
    assert verify_pdf(unsigned_pdf()) == []


def _pdfaid(xmp) -> set[tuple[str, str]]:
    """(part, conformance) of each rdf:Description that states them, as attributes or elements."""
    found = set()
    for node in xmp.rdf_root.getElementsByTagNameNS(RDF, "Description"):
        values = []
        for name in ("part", "conformance"):
            value = node.getAttributeNS(PDFAID, name)
            if not value:
                elements = node.getElementsByTagNameNS(PDFAID, name)
                value = elements[0].firstChild.data if elements else ""
            values.append(value)
        if any(values):
            found.add(tuple(values))
    return found


def test_pdf_a_identification_survives_two_signatures():
    original = PdfReader(BytesIO(unsigned_pdf())).xmp_metadata
    assert _pdfaid(original) == {("3", "B")}

    reader = PdfReader(BytesIO(countersigned(signed_once())))
    xmp = reader.xmp_metadata
    assert _pdfaid(xmp) == {("3", "B")}
    assert xmp.dc_title == {"x-default": TITLE}
    # PDF/A: the information dictionary says what the XMP packet says.
    assert reader.metadata.producer == xmp.pdf_producer
    assert reader.metadata.title == TITLE


def test_signing_without_settings_is_refused(settings):
    settings.PDF_SIGNING_KEY_FILE = ""
    settings.PDF_SIGNING_CERT_FILE = ""

    assert not signing_configured()
    with pytest.raises(SigningNotConfigured, match="n'est pas configurée"):
        signed_once()


def test_signing_with_a_missing_key_file_is_refused(settings, tmp_path):
    settings.PDF_SIGNING_KEY_FILE = str(tmp_path / "absente.pem")

    assert signing_configured()
    with pytest.raises(SigningNotConfigured, match="illisible"):
        signed_once()


def test_a_key_that_does_not_match_the_certificate_is_refused(settings, tmp_path):
    with signing_with_another_ca(tmp_path / "other") as other:
        pass
    settings.PDF_SIGNING_KEY_FILE = str(other["key"])

    with pytest.raises(SigningNotConfigured, match="ne correspond pas"):
        signed_once()


def test_an_encrypted_key_signs_with_its_passphrase(settings, signing_pki, tmp_path):
    key = serialization.load_pem_private_key(signing_pki["key"].read_bytes(), password=None)
    encrypted = tmp_path / "cle-chiffree.pem"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"phrase de passe"),
        )
    )
    settings.PDF_SIGNING_KEY_FILE = str(encrypted)

    settings.PDF_SIGNING_KEY_PASSPHRASE = "mauvaise"
    with pytest.raises(SigningNotConfigured, match="phrase de passe"):
        signed_once()

    settings.PDF_SIGNING_KEY_PASSPHRASE = "phrase de passe"
    assert verify_pdf(signed_once())[0].ok


def test_a_field_cannot_be_signed_twice():
    content = signed_once()
    with pytest.raises(ValueError, match="déjà signé"):
        signed_once(content)


def test_what_is_not_a_pdf_is_unreadable():
    with pytest.raises(UnreadablePdf):
        verify_pdf(b"ceci n'est pas un PDF")
    with pytest.raises(UnreadablePdf):
        sign_pdf(b"ceci n'est pas un PDF", field_name="S", signer_name="X", reason="Y")


def test_trust_roots_default_to_the_chain_file(settings):
    content = signed_once()
    settings.PDF_SIGNING_TRUST_ROOTS = ""
    assert verify_pdf(content)[0].trusted
    settings.PDF_SIGNING_CHAIN_FILE = ""
    assert not verify_pdf(content)[0].trusted  # nothing trusted, not the system's list

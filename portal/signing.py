"""Electronic signatures of the portal's PDFs (PAdES), with pyHanko: the one place that signs and
the one place that verifies.

- `sign_pdf` adds a PAdES B-B signature (CAdES detached, SHA-256, signing-certificate-v2
  attribute) in a new invisible field, as an incremental update: the bytes already there are kept
  as they are, so earlier signatures stay valid (a convention is signed by the editor's legal
  representative, then countersigned by the administration). There is no time-stamping authority
  offline, so no B-T: the signing time is the one the portal claims (/M).
- `verify_pdf` reports every signature of a document, in signing order.

The signer is the portal's "cachet serveur": one key and certificate (with its chain) read from
the settings PDF_SIGNING_KEY_FILE, PDF_SIGNING_CERT_FILE, PDF_SIGNING_CHAIN_FILE and
PDF_SIGNING_KEY_PASSPHRASE, loaded once per process (again when a path or a file changes). The
person on whose behalf the portal signs (the ministry's signatory, the editor's representative)
is recorded as the signature's /Name. Verification trusts the roots of PDF_SIGNING_TRUST_ROOTS
(by default the chain file), never the operating system's list; revocation is checked only
from what the document carries (no network from the workers).

PDF/A: the update keeps the XMP packet (pdfaid:part and conformance included); pyHanko rewrites
the XMP producer and modification date, and `_align_producer` makes the information dictionary's
/Producer say the same, as PDF/A requires. The field's widget has a zero-sized rectangle and the
Print flag, which PDF/A allows without an appearance stream.

pyHanko is imported inside the functions that use it (≈ 0.7 s to import), as WeasyPrint is in
portal/pdf.py: every process loads this module through the deployment check.
"""

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache, wraps
from io import BytesIO
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

DIGEST = "sha256"
#: The key usages either of which lets a certificate sign (a seal usually asserts both).
SIGNER_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


class SigningNotConfigured(Exception):
    """No usable signing key and certificate (PDF_SIGNING_* settings missing or unreadable)."""


class UnreadablePdf(ValueError):
    """The content given to `verify_pdf` or `sign_pdf` is not a PDF that can be read."""


@dataclass(frozen=True)
class SignatureReport:
    """What one signature of a document is worth.

    `intact`: the signed bytes are unchanged; `valid`: the cryptographic signature matches them;
    `trusted`: the certificate chains up to a trusted root and was valid (and allowed to sign)
    at verification time; `covers_whole_document`: nothing was appended after the signature;
    `later_changes_allowed`: whatever was appended after it is only what signing and form
    filling may add (more signatures, metadata), per pyHanko's difference analysis."""

    field_name: str
    signer_name: str
    reason: str
    signed_at: datetime | None
    certificate_subject: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    later_changes_allowed: bool = True

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.later_changes_allowed


def signing_configured() -> bool:
    """Whether a signing key and certificate are set (not whether they load: the deployment
    check loads them)."""
    return bool(_setting("PDF_SIGNING_KEY_FILE") and _setting("PDF_SIGNING_CERT_FILE"))


def outside_any_event_loop(function):
    """pyHanko's synchronous API runs its own event loop (`asyncio.run`), which cannot start in
    a thread where one already runs (an ASGI server, Playwright's sync API in a test process):
    there, the call runs in a short-lived thread of its own."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *args, **kwargs).result()

    return wrapper


@outside_any_event_loop
def sign_pdf(
    content: bytes,
    *,
    field_name: str,
    signer_name: str,
    reason: str,
    location: str = "France",
    contact: str = "",
) -> bytes:
    """`content` signed (PAdES B-B) in a new invisible signature field `field_name`, on behalf
    of `signer_name`, as an incremental update that keeps earlier signatures valid and the PDF/A
    identification intact. Raises SigningNotConfigured without a usable key and certificate,
    UnreadablePdf for content that is not a PDF, ValueError when `field_name` is already signed."""
    from pyhanko.sign import fields, signers

    signer = _signer()
    writer = _incremental_writer(content)
    if any(sig.field_name == field_name for sig in writer.prev.embedded_signatures):
        raise ValueError(f"Le champ de signature « {field_name} » est déjà signé.")
    _align_producer(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        name=signer_name,
        reason=reason,
        location=location or None,
        contact_info=contact or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm=DIGEST,
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, new_field_spec=fields.SigFieldSpec(sig_field_name=field_name)
    )
    return pdf_signer.sign_pdf(writer).getvalue()


@outside_any_event_loop
def verify_pdf(content: bytes) -> list[SignatureReport]:
    """Every signature of `content`, in signing order ([] for an unsigned PDF), checked against
    the trust roots of the settings. Raises UnreadablePdf for content that is not a PDF.
    Document time-stamps (PAdES B-LTA) are not listed: the portal does not make any."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(content))
        signatures = reader.embedded_regular_signatures
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadablePdf(f"Le fichier n'est pas un PDF lisible : {exc}") from exc
    context = _validation_context()
    return [_report(signature, context) for signature in signatures]


def signer_certificate():
    """The signer's certificate (cryptography's `x509.Certificate`), for the deployment check.
    Raises SigningNotConfigured like `sign_pdf`."""
    from cryptography import x509

    return x509.load_der_x509_certificate(_signer().signing_cert.dump())


# -- the signer and the trust roots, cached per process --------------------------------------


def _signer():
    """The configured signer, loaded once per (paths, passphrase, files' modification times)."""
    if not signing_configured():
        raise SigningNotConfigured(
            "La signature électronique des PDF n'est pas configurée : définissez "
            "PDF_SIGNING_KEY_FILE et PDF_SIGNING_CERT_FILE (et PDF_SIGNING_CHAIN_FILE), "
            "ou générez une infrastructure de test avec « manage.py make_signing_pki »."
        )
    files = tuple(
        _file_state(_setting(name))
        for name in ("PDF_SIGNING_KEY_FILE", "PDF_SIGNING_CERT_FILE", "PDF_SIGNING_CHAIN_FILE")
    )
    return _load_signer(files, _setting("PDF_SIGNING_KEY_PASSPHRASE"))


@lru_cache(maxsize=4)
def _load_signer(files: tuple, passphrase: str):
    from asn1crypto import keys
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    (key_file, _), (cert_file, _), (chain_file, _) = files
    try:
        private_key = _read_private_key(Path(key_file), passphrase)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningNotConfigured(
            f"La clé de signature ({key_file}) est illisible ou sa phrase de passe "
            f"(PDF_SIGNING_KEY_PASSPHRASE) est fausse : {exc}"
        ) from exc
    try:
        cert = load_cert_from_pemder(cert_file)
        chain = list(load_certs_from_pemder([chain_file])) if chain_file else []
    except (OSError, ValueError, TypeError) as exc:
        raise SigningNotConfigured(f"Un certificat de signature est illisible : {exc}") from exc
    if x509.load_der_x509_certificate(cert.dump()).public_key() != private_key.public_key():
        raise SigningNotConfigured(
            f"La clé de signature ({key_file}) ne correspond pas au certificat ({cert_file})."
        )
    key_info = keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    return _signer_class()(
        signing_key=key_info, signing_cert=cert, cert_registry=registry, private_key=private_key
    )


def _read_private_key(path: Path, passphrase: str):
    """The private key of a PEM or DER file (cryptography's object), decrypted if need be."""
    from cryptography.hazmat.primitives import serialization

    data = path.read_bytes()
    password = passphrase.encode() if passphrase else None
    if data.lstrip().startswith(b"-----BEGIN"):
        return serialization.load_pem_private_key(data, password=password)
    return serialization.load_der_private_key(data, password=password)


@cache
def _signer_class():
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class ParsedKeySigner(SimpleSigner):
        """pyHanko's SimpleSigner parses its private key again at every signature (twice per
        document: a dry run sizes the signature first), and cryptography's checks of an RSA key
        take ≈ 0.5 s: this one keeps the parsed key for RSA PKCS#1 v1.5, the usual mechanism,
        and leaves any other (PSS, ECDSA…) to pyHanko."""

        def __init__(self, *, private_key, **kwargs):
            super().__init__(**kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo
            except ValueError:
                algorithm = mechanism["algorithm"].native
            if algorithm == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
                hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
                return self._private_key.sign(data, PKCS1v15(), hash_algorithm)
            return super().sign_raw(data, digest_algorithm)

    return ParsedKeySigner


def _validation_context():
    from pyhanko_certvalidator import ValidationContext

    roots_file = _setting("PDF_SIGNING_TRUST_ROOTS") or _setting("PDF_SIGNING_CHAIN_FILE")
    chain_file = _setting("PDF_SIGNING_CHAIN_FILE")
    roots, others = _load_certificates(_file_state(roots_file), _file_state(chain_file))
    # trust_roots=[] trusts nothing (None would mean the operating system's list).
    return ValidationContext(
        trust_roots=list(roots), other_certs=list(others), allow_fetching=False
    )


@lru_cache(maxsize=4)
def _load_certificates(roots_file: tuple, chain_file: tuple) -> tuple[tuple, tuple]:
    """(trust roots, other certificates) from the files; an unreadable file trusts nothing and
    says so in the log (verification then reports every signature untrusted)."""
    return _certificates_in(roots_file[0]), _certificates_in(chain_file[0])


def _certificates_in(path: str) -> tuple:
    from pyhanko.keys import load_certs_from_pemder

    if not path:
        return ()
    try:
        return tuple(load_certs_from_pemder([path]))
    except (OSError, ValueError, TypeError):
        logger.exception("Certificats de confiance illisibles : %s", path)
        return ()


def _file_state(path: str) -> tuple[str, int | None]:
    """(path, modification time): a cache key that changes when the file is replaced."""
    if not path:
        return ("", None)
    try:
        return (path, os.stat(path).st_mtime_ns)
    except OSError:
        return (path, None)  # the loader reports the missing file


def _setting(name: str) -> str:
    value = getattr(settings, name, "") or ""
    return str(value) if isinstance(value, Path) else value


# -- signing and verification helpers --------------------------------------------------------


def _incremental_writer(content: bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError

    try:
        return IncrementalPdfFileWriter(BytesIO(content))
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise UnreadablePdf(f"Le fichier n'est pas un PDF lisible : {exc}") from exc


def _align_producer(writer) -> None:
    """Make the information dictionary's /Producer the one pyHanko writes into the XMP packet
    (its own name), so that the two agree as PDF/A requires (pyHanko would otherwise append its
    name to the information dictionary's producer only)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    try:
        info_ref = writer.prev.trailer_view.raw_get("/Info")
    except KeyError:
        return
    if not isinstance(info_ref, generic.IndirectObject):
        return
    info = info_ref.get_object()
    if str(info.get("/Producer", "")) != VENDOR:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def _report(signature, context) -> SignatureReport:
    from pyhanko.sign.validation import (
        KeyUsageConstraints,
        SignatureCoverageLevel,
        validate_pdf_signature,
    )

    sig_object = signature.sig_object
    field_name = signature.field_name or ""
    try:
        status = validate_pdf_signature(
            signature,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(key_usage=SIGNER_KEY_USAGES),
        )
    except Exception as exc:  # a malformed signature is reported, never a crash of the report
        logger.warning("Signature « %s » invérifiable : %s", field_name, exc)
        return SignatureReport(
            field_name=field_name,
            signer_name=str(sig_object.get("/Name", "")),
            reason=str(sig_object.get("/Reason", "")),
            signed_at=None,
            certificate_subject="",
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_document=False,
            later_changes_allowed=False,
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    subject = status.signing_cert.subject
    common_names = subject.native.get("common_name")
    return SignatureReport(
        field_name=field_name,
        signer_name=str(sig_object.get("/Name", "")) or str(common_names or ""),
        reason=str(sig_object.get("/Reason", "")),
        signed_at=status.signer_reported_dt,
        certificate_subject=subject.human_friendly,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_whole_document=whole,
        later_changes_allowed=whole or bool(status.docmdp_ok),
    )

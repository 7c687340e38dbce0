"""A throwaway public-key infrastructure for development and tests: a root CA of its own and one
signing certificate issued by it, for "Portail du référencement (DÉVELOPPEMENT — sans valeur)".

Nothing it makes is worth anything outside the machine that made it: keys are generated at run or
test time, written next to the certificates (the key file readable by its owner only) and never
committed. Production supplies its own qualified "cachet serveur" key and certificate through the
PDF_SIGNING_* settings (portal/settings.py, portal/signing.py).

The certificates' validity starts on a fixed date in the past (VALID_FROM), not at generation
time: tests freeze the clock on chosen days (tests/dates.py), and a signature made or checked on
such a day must still find its certificate valid.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

SIGNER_COMMON_NAME = "Portail du référencement (DÉVELOPPEMENT — sans valeur)"
ROOT_COMMON_NAME = "AC de test du portail (DÉVELOPPEMENT — sans valeur)"
ORGANISATION = "Référencement Mon espace santé — développement"
#: Start of validity of every throwaway certificate (see the module docstring).
VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)
ROOT_VALIDITY = timedelta(days=20 * 365)
SIGNER_VALIDITY = timedelta(days=15 * 365)
KEY_SIZE = 3072

#: The names `generate_throwaway_pki` gives its files, by role.
FILE_NAMES = {
    "root_cert": "root-ca.pem",
    "key": "signing-key.pem",
    "cert": "signing-cert.pem",
    "chain": "chain.pem",
}


def generate_throwaway_pki(
    directory: Path, *, signer_common_name: str = SIGNER_COMMON_NAME
) -> dict[str, Path]:
    """Write a fresh root CA and a signing certificate under `directory` (created if missing).

    Returns the paths by role: "key" (the signer's private key, PEM, unencrypted, mode 0600),
    "cert" (its certificate), "chain" (the certificates between the signer and the root,
    the root included: what PDF_SIGNING_CHAIN_FILE takes) and "root_cert" (the root alone: what
    PDF_SIGNING_TRUST_ROOTS takes). The root's key is thrown away once the signer is issued."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    root_key = _new_key()
    root_name = _name(ROOT_COMMON_NAME)
    root_cert = (
        _builder(subject=root_name, issuer=root_name, public_key=root_key.public_key())
        .not_valid_after(VALID_FROM + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    signer_key = _new_key()
    signer_cert = (
        _builder(
            subject=_name(signer_common_name), issuer=root_name, public_key=signer_key.public_key()
        )
        .not_valid_after(VALID_FROM + SIGNER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    paths = {role: directory / name for role, name in FILE_NAMES.items()}
    root_pem = root_cert.public_bytes(serialization.Encoding.PEM)
    paths["root_cert"].write_bytes(root_pem)
    paths["chain"].write_bytes(root_pem)
    paths["cert"].write_bytes(signer_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(
        paths["key"],
        signer_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    return paths


def signing_environment(paths: dict[str, Path]) -> dict[str, str]:
    """The PDF_SIGNING_* environment variables that point the portal at `paths`."""
    return {
        "PDF_SIGNING_KEY_FILE": str(paths["key"]),
        "PDF_SIGNING_CERT_FILE": str(paths["cert"]),
        "PDF_SIGNING_CHAIN_FILE": str(paths["chain"]),
        "PDF_SIGNING_TRUST_ROOTS": str(paths["root_cert"]),
    }


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(*, subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
    )


def _key_usage(**granted: bool) -> x509.KeyUsage:
    usages = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    usages.update(granted)
    return x509.KeyUsage(**usages)


def _write_private(path: Path, content: bytes) -> None:
    """Write `content` to a new file that only its owner may read (created with mode 0600)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(content)

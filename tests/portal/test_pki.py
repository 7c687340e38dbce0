"""The throwaway PKI: a root CA, a signing certificate it issued with the usages a seal needs, a
private key only its owner can read."""

import stat

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from portal.pki import SIGNER_COMMON_NAME, generate_throwaway_pki, signing_environment


def _certificate(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_signing_certificate_is_issued_by_the_root_with_signing_usages(tmp_path):
    paths = generate_throwaway_pki(tmp_path / "pki")
    root, signer = _certificate(paths["root_cert"]), _certificate(paths["cert"])

    signer.verify_directly_issued_by(root)
    assert signer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        SIGNER_COMMON_NAME
    )
    assert "DÉVELOPPEMENT — sans valeur" in SIGNER_COMMON_NAME
    usage = signer.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not signer.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert _certificate(paths["chain"]) == root


def test_private_key_matches_and_only_its_owner_reads_it(tmp_path):
    paths = generate_throwaway_pki(tmp_path / "pki")
    key = serialization.load_pem_private_key(paths["key"].read_bytes(), password=None)

    assert key.public_key() == _certificate(paths["cert"]).public_key()
    assert stat.S_IMODE(paths["key"].stat().st_mode) == 0o600


def test_every_generation_makes_new_keys(tmp_path):
    first = generate_throwaway_pki(tmp_path / "a")
    second = generate_throwaway_pki(tmp_path / "b")
    assert first["key"].read_bytes() != second["key"].read_bytes()
    assert _certificate(first["root_cert"]) != _certificate(second["root_cert"])


def test_environment_points_at_the_files(tmp_path):
    paths = generate_throwaway_pki(tmp_path / "pki")
    assert signing_environment(paths) == {
        "PDF_SIGNING_KEY_FILE": str(paths["key"]),
        "PDF_SIGNING_CERT_FILE": str(paths["cert"]),
        "PDF_SIGNING_CHAIN_FILE": str(paths["chain"]),
        "PDF_SIGNING_TRUST_ROOTS": str(paths["root_cert"]),
    }

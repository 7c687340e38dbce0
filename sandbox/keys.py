"""The RSA key that signs the sandbox's id_tokens (OpenID Connect, RS256), never in the
repository: production provides it (SANDBOX_OIDC_RSA_KEY_FILE); `bin/run` generates one into
var/sandbox/ and the tests one per session (`oidc_key_generate`), worthless elsewhere."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_SIZE = 2048


def oidc_key_generate(path: Path | str) -> Path:
    """Write a new RSA private key (PEM, PKCS #8, unencrypted, readable by its owner only) to
    `path`, creating its folder; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return path


def oidc_key_problem(pem: str) -> str | None:
    """Why `pem` cannot sign id_tokens (French), or None if it is an RSA private key."""
    if not pem:
        return "aucune clé"
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        return "le fichier n'est pas une clé privée PEM non chiffrée"
    if not isinstance(key, rsa.RSAPrivateKey):
        return "la clé n'est pas une clé RSA"
    if key.key_size < KEY_SIZE:
        return f"la clé RSA compte moins de {KEY_SIZE} bits"
    return None

"""Per-installation secrets under RISK_HOME/keys: the report signing key and the pseudonym salt."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from risk.report.errors import ReportError

SIGNING_KEY_FILE = "report_signing_ed25519.pem"
SALT_FILE = "reviewer_pseudonym_salt"


def _write_secret(path: Path, data: bytes) -> None:
    """Create ``path`` with 0600 permissions; an existing file is left alone (first writer wins)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "wb") as file:
        file.write(data)


def signing_key(keys_dir: Path) -> Ed25519PrivateKey:
    """The installation's Ed25519 report signing key, created on first use."""
    path = keys_dir / SIGNING_KEY_FILE
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_secret(path, pem)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise ReportError(f"cannot read the report signing key {path}: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ReportError(f"{path} is not an Ed25519 private key")
    return key


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    """The public key as PEM (SubjectPublicKeyInfo), what a report exports."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: what a regulator pins."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def platform_public_key(keys_dir: Path, configured: Path | None) -> bytes | None:
    """The key reports must be signed with: the configured PEM (``RISK_REPORT_PUBLIC_KEY``),
    else this installation's own signing key when it has one; None when neither exists."""
    if configured is not None:
        try:
            return configured.read_bytes()
        except OSError as error:
            raise ReportError(f"cannot read the pinned report key {configured}: {error}") from error
    if not (keys_dir / SIGNING_KEY_FILE).exists():
        return None
    return public_key_pem(signing_key(keys_dir).public_key())


def reviewer_salt(keys_dir: Path) -> bytes:
    """The per-installation salt of reviewer pseudonyms, created on first use."""
    path = keys_dir / SALT_FILE
    if not path.exists():
        _write_secret(path, secrets.token_hex(32).encode("ascii"))
    return path.read_bytes().strip()


def pseudonym(reviewer: str, salt: bytes) -> str:
    """A stable pseudonymous reviewer id ("R-" + 8 hex of HMAC-SHA256); never the key name."""
    return "R-" + hmac.new(salt, reviewer.encode("utf-8"), hashlib.sha256).hexdigest()[:8]

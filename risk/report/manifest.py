"""``manifest.json``: the SHA-256 of every file of a report, signed with Ed25519."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from risk.jsontext import json_bytes
from risk.report.keys import key_fingerprint, public_key_pem

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
MANIFEST_FORMAT = "mlm-risk-report-manifest/1"
_UNHASHED = frozenset({MANIFEST, SIGNATURE})


@dataclass(frozen=True)
class VerificationResult:
    """What ``verify_report`` found: ok only when every hash and the signature check out."""

    directory: str
    files_checked: int
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    signature_ok: bool = False
    key_trusted: bool | None = None  # None: no trusted key given to compare with
    problems: list[str] = field(default_factory=list)
    signer_sha256: str | None = None  # the fingerprint of the key that signed (public_key.pem)

    @property
    def ok(self) -> bool:
        """Every file as signed, nothing added or missing, a good signature by a trusted key."""
        clean = not (self.altered or self.missing or self.added or self.problems)
        return clean and self.signature_ok and self.key_trusted is not False

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (``risk report verify --json``)."""
        return {
            "ok": self.ok,
            "directory": self.directory,
            "files_checked": self.files_checked,
            "altered": self.altered,
            "missing": self.missing,
            "added": self.added,
            "signature_ok": self.signature_ok,
            "key_trusted": self.key_trusted,
            "problems": self.problems,
            "signer_sha256": self.signer_sha256,
        }


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def report_files(directory: Path) -> list[str]:
    """Every file under ``directory`` (relative POSIX paths, sorted) but manifest and signature."""
    names = (p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    return sorted(name for name in names if name not in _UNHASHED)


def write_manifest(
    directory: Path,
    key: Ed25519PrivateKey,
    *,
    run_id: str,
    generated_at: str,
    audit_head: dict[str, Any] | None = None,
) -> Path:
    """Export the public key, hash every file, write ``manifest.json`` and its signature;
    ``audit_head`` (the audit chain's head, an anchor) is signed with the files."""
    public = key.public_key()
    (directory / PUBLIC_KEY).write_bytes(public_key_pem(public))
    files = {
        name: {"sha256": sha256_file(directory / name), "bytes": (directory / name).stat().st_size}
        for name in report_files(directory)
    }
    document = {
        "format": MANIFEST_FORMAT,
        "run_id": run_id,
        "generated_at": generated_at,
        "hash_algorithm": "sha256",
        "signature": {
            "algorithm": "Ed25519",
            "file": SIGNATURE,
            "signed_bytes": MANIFEST,
            "public_key_file": PUBLIC_KEY,
            "public_key_sha256": key_fingerprint(public),
        },
        "files": files,
    }
    if audit_head is not None:
        document["audit_head"] = audit_head
    body = json_bytes(document, pretty=True, sort_keys=True) + b"\n"
    (directory / MANIFEST).write_bytes(body)
    (directory / SIGNATURE).write_bytes(base64.b64encode(key.sign(body)) + b"\n")
    return directory / MANIFEST


def _load_public_key(data: bytes) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def _signature_ok(directory: Path, body: bytes, key: Ed25519PublicKey | None) -> bool:
    """The signature file decodes and verifies the manifest bytes with ``key``."""
    if key is None or not (directory / SIGNATURE).is_file():
        return False
    try:
        # The file ends in a newline; strict base64 decoding would refuse it.
        signature = base64.b64decode((directory / SIGNATURE).read_bytes().strip(), validate=True)
        key.verify(signature, body)
    except (InvalidSignature, ValueError):
        return False
    return True


def _compare(directory: Path, listed: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """(altered, missing, added) file names against the manifest's hashes."""
    present = set(report_files(directory))
    missing = sorted(set(listed) - present)
    added = sorted(present - set(listed))
    altered = sorted(
        name
        for name in set(listed) & present
        if sha256_file(directory / name) != str(listed[name].get("sha256", ""))
    )
    return altered, missing, added


def verify_report(
    directory: Path, *, trusted_public_key: bytes | None = None
) -> VerificationResult:
    """Check every hash in the manifest and its signature; name what was altered, added, missing.

    The signature is checked with the exported ``public_key.pem``; give ``trusted_public_key``
    (PEM, obtained from the platform out of band) to also catch a report re-signed by someone else.
    """
    problems: list[str] = []
    try:
        body = (directory / MANIFEST).read_bytes()
        manifest = json.loads(body)
        listed = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return VerificationResult(str(directory), 0, problems=[f"{MANIFEST} unreadable: {error}"])
    altered, missing, added = _compare(directory, listed)
    exported = (directory / PUBLIC_KEY).read_bytes() if (directory / PUBLIC_KEY).is_file() else b""
    key = _load_public_key(exported)
    signature_ok = _signature_ok(directory, body, key)
    if not signature_ok:
        problems.append(f"{SIGNATURE}: the signature does not match {MANIFEST}")
    trusted: bool | None = None
    if trusted_public_key is not None:
        pinned = _load_public_key(trusted_public_key)
        trusted = (
            pinned is not None
            and key is not None
            and key_fingerprint(pinned) == key_fingerprint(key)
        )
        if not trusted:
            problems.append(f"{PUBLIC_KEY} is not the trusted signing key")
    return VerificationResult(
        str(directory),
        len(listed),
        altered,
        missing,
        added,
        signature_ok,
        trusted,
        problems,
        None if key is None else key_fingerprint(key),
    )

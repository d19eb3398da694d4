"""The audit chain's secret, kept outside the database, and where its checkpoints go.

A database writer who can rewrite ``audit_log`` cannot recompute the chain: each hash is an
HMAC-SHA256 under a key read from ``RISK_AUDIT_KEY`` or from ``keys/audit_chain.key`` under
``RISK_HOME`` (32 random bytes, created 0600 on first use; refused when others can read it).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from risk.errors import StoreError
from risk.settings import Settings, get_settings

KEY_FILE = "audit_chain.key"
_KEY_BYTES = 32


@dataclass(frozen=True)
class ChainConfig:
    """The key an engine's chain is keyed with, and where its checkpoints are written."""

    key: bytes
    key_id: str
    anchors_file: Path | None
    checkpoint_every: int


def key_id(key: bytes) -> str:
    """A public name of the key (anchors carry it): 16 hex of a SHA-256 that cannot be inverted."""
    return hashlib.sha256(b"risk-audit-key-id:" + key).hexdigest()[:16]


def _create_key_file(path: Path) -> None:
    """Write a fresh random key at ``path`` (0600), atomically: a racing writer's key wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w") as file:
        file.write(secrets.token_hex(_KEY_BYTES) + "\n")
        file.flush()
        os.fsync(file.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def _read_key_file(path: Path) -> bytes:
    """The key in ``path``; refused when group or others may read it, or when it is short."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(
            f"{path} is readable by other users (mode {stat.S_IMODE(mode):o}): "
            f"the audit chain key must be private; run chmod 600 {path}"
        )
    key = path.read_bytes().strip()
    if len(key) < _KEY_BYTES:
        raise StoreError(f"{path} holds {len(key)} bytes; an audit chain key needs at least 32")
    return key


def load_chain_key(settings: Settings) -> bytes:
    """``RISK_AUDIT_KEY`` when set, else the key file under ``keys_dir`` (created if missing)."""
    if settings.audit_key is not None:
        return settings.audit_key.get_secret_value().encode("utf-8")
    path = settings.keys_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


_CONFIGS: WeakKeyDictionary[Engine, ChainConfig] = WeakKeyDictionary()


def configure_chain(engine: Engine, settings: Settings) -> ChainConfig:
    """Bind the engine to the settings' key; checkpoints only for the configured store."""
    key = load_chain_key(settings)
    same_store = engine.url.render_as_string(hide_password=False) == settings.store_url
    config = ChainConfig(
        key=key,
        key_id=key_id(key),
        anchors_file=settings.anchors_file if same_store else None,
        checkpoint_every=settings.audit_checkpoint_every,
    )
    _CONFIGS[engine] = config
    return config


def chain_config(engine: Engine) -> ChainConfig:
    """The engine's chain configuration (from the process settings on first use)."""
    config = _CONFIGS.get(engine)
    return config if config is not None else configure_chain(engine, get_settings())

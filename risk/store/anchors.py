"""Anchors: the audit chain's head (seq and keyed hash) recorded outside the database.

A checkpoint file (one JSON line per checkpoint, appended after each scoring run and every
``audit_checkpoint_every`` entries) and each report manifest carry one. ``verify`` holds the
chain to them: an entry at or before an anchor removed, edited or added changes the hash at
the anchor's seq, and a chain shorter than an anchor was truncated.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from risk.errors import StoreInputError
from risk.jsontext import json_text
from risk.store.chain_key import chain_config
from risk.store.schema import audit_table
from risk.store.types import utcnow

ANCHOR_FORMAT = "mlm-risk-audit-anchor/1"
_a = audit_table.c


@dataclass(frozen=True)
class Anchor:
    """The head of the chain as seen at one moment, and where that record was kept."""

    seq: int
    hash: str
    key_id: str
    source: str

    def to_json(self, *, reason: str, written_at: datetime | None = None) -> dict[str, Any]:
        """The form written to checkpoint files and (without a time) report manifests."""
        document: dict[str, Any] = {
            "format": ANCHOR_FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "key_id": self.key_id,
            "reason": reason,
        }
        if written_at is not None:
            document["written_at"] = written_at.isoformat()
        return document


def anchor_from_json(document: Any, *, source: str) -> Anchor:
    """Read one anchor document; a clear error naming ``source`` when it is not one."""
    try:
        seq, digest, key = document["seq"], document["hash"], document["key_id"]
    except (KeyError, TypeError) as error:
        raise StoreInputError(f"{source}: not an audit anchor (missing {error})") from error
    if not isinstance(seq, int) or seq < 1 or not isinstance(digest, str) or len(digest) != 64:
        raise StoreInputError(f"{source}: an audit anchor needs an integer seq >= 1 and a hash")
    return Anchor(seq=seq, hash=digest, key_id=str(key), source=source)


def head_anchor(engine: Engine) -> Anchor | None:
    """The committed head of the chain as an anchor (None while the log is empty)."""
    with engine.connect() as connection:
        row = connection.execute(select(_a.seq, _a.hash).order_by(_a.seq.desc()).limit(1)).first()
    if row is None:
        return None
    return Anchor(seq=row.seq, hash=row.hash, key_id=chain_config(engine).key_id, source="head")


def write_checkpoint(engine: Engine, *, reason: str, path: Path | None = None) -> Anchor | None:
    """Append the committed head to the checkpoint file (the engine's, or ``path``)."""
    target = path if path is not None else chain_config(engine).anchors_file
    anchor = head_anchor(engine)
    if target is None or anchor is None:
        return None
    line = json_text(anchor.to_json(written_at=utcnow(), reason=reason)) + "\n"
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_APPEND: concurrent writers' lines (well under PIPE_BUF) never interleave.
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(handle, line.encode("utf-8"))
        os.fsync(handle)
    finally:
        os.close(handle)
    return anchor


def read_checkpoints(path: Path) -> list[Anchor]:
    """Every anchor in a checkpoint file, naming the line of one that cannot be read."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise StoreInputError(f"cannot read the checkpoint file {path}: {error}") from error
    anchors = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError as error:
            raise StoreInputError(f"{path} line {number}: not JSON ({error})") from error
        anchors.append(anchor_from_json(document, source=f"{path} line {number}"))
    if not anchors:
        raise StoreInputError(f"{path} holds no audit anchor")
    return anchors

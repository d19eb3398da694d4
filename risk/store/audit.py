"""The append-only, hash-chained audit log: who did what, when; edits are detectable."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.orm import Session

from risk.jsontext import canonical_json
from risk.store.db import read_transaction, write_transaction
from risk.store.records import AuditEntry, AuditVerification
from risk.store.schema import audit_table
from risk.store.types import utcnow

GENESIS_HASH = "0" * 64
_a = audit_table.c
# Built once (every account view appends): the chain head, read under the append's lock.
_HEAD = select(_a.seq, _a.hash).order_by(_a.seq.desc()).limit(1)
_APPEND = insert(audit_table)


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None,
) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the entry (seq included)."""
    body = canonical_json(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": details,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append_audit_in(
    connection: Connection,
    *,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None,
) -> AuditEntry:
    """Append inside the caller's write transaction (which this locks against other appends)."""
    if connection.dialect.name == "postgresql":
        # Readers go on; other appenders wait, so two entries never claim the same place.
        connection.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
    last = connection.execute(_HEAD).first()
    seq, prev_hash = (1, GENESIS_HASH) if last is None else (last.seq + 1, last.hash)
    # Store exactly what is hashed: the canonical form read back (NaN -> null, tuples -> lists).
    stored = None if details is None else json.loads(canonical_json(details))
    at = utcnow()
    digest = entry_hash(
        prev_hash, seq=seq, at=at, actor=actor, action=action, target=target, details=stored
    )
    values = dict(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        target=target,
        details=stored,
        prev_hash=prev_hash,
        hash=digest,
    )
    connection.execute(_APPEND, values)
    return AuditEntry(**values)  # type: ignore[arg-type]


def append_audit(
    bind: Engine | Connection | Session,
    *,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: in its own transaction (Engine) or the caller's (Connection/Session)."""
    if isinstance(bind, Engine):
        with write_transaction(bind) as connection:
            return append_audit_in(
                connection, actor=actor, action=action, target=target, details=details
            )
    connection = bind.connection() if isinstance(bind, Session) else bind
    return append_audit_in(connection, actor=actor, action=action, target=target, details=details)


def _check_entry(row: Any, *, expected_seq: int, prev_hash: str) -> str | None:
    """Why this row breaks the chain, or None when it fits."""
    if row.seq != expected_seq:
        return f"expected seq {expected_seq} here, found {row.seq}: an entry was deleted"
    if row.prev_hash != prev_hash:
        return "prev_hash does not match the entry before it: entries deleted or reordered"
    recomputed = entry_hash(
        row.prev_hash,
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        details=row.details,
    )
    if recomputed != row.hash:
        return "content does not match its hash: the entry was edited"
    return None


def verify_audit_chain(engine: Engine) -> AuditVerification:
    """Walk the whole chain; report the first entry that breaks it (edited, deleted, moved)."""
    expected_seq, prev_hash, entries = 1, GENESIS_HASH, 0
    with read_transaction(engine) as connection:
        result = connection.execution_options(yield_per=5_000).execute(
            select(audit_table).order_by(_a.seq)
        )
        for row in result:
            reason = _check_entry(row, expected_seq=expected_seq, prev_hash=prev_hash)
            if reason is not None:
                result.close()
                return AuditVerification(
                    ok=False,
                    entries=entries,
                    first_bad_seq=row.seq,
                    reason=reason,
                    head_hash=None,
                )
            entries += 1
            expected_seq, prev_hash = row.seq + 1, row.hash
    head = None if entries == 0 else prev_hash
    return AuditVerification(
        ok=True, entries=entries, first_bad_seq=None, reason=None, head_hash=head
    )


def list_audit(
    engine: Engine,
    *,
    limit: int = 100,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first, optionally since a time / by an actor / about a target."""
    query = select(audit_table).order_by(_a.seq.desc()).limit(limit)
    if since is not None:
        query = query.where(_a.at >= since)
    if actor is not None:
        query = query.where(_a.actor == actor)
    if target is not None:
        query = query.where(_a.target == target)
    with engine.connect() as connection:
        return [AuditEntry.from_row(row) for row in connection.execute(query)]

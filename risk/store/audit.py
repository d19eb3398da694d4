"""The append-only, keyed hash chain of the audit log: who did what, when.

Each entry's hash is an HMAC-SHA256, under a key kept outside the database (``chain_key``),
of the previous hash and the entry: a database writer can delete or edit entries but cannot
re-forge the chain after them, nor append one. Truncation at the head is caught by anchors
(``anchors``) kept outside the database; ``audit_checks`` holds the tables the chain covers
(decisions, API keys, published runs) to their entries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.orm import Session

from risk.jsontext import canonical_json
from risk.store.anchors import Anchor, write_checkpoint
from risk.store.audit_checks import CoveredEntries, check_tables
from risk.store.chain_key import chain_config
from risk.store.db import after_commit, read_transaction, write_transaction
from risk.store.records import AuditEntry, AuditVerification
from risk.store.schema import audit_table
from risk.store.types import utcnow

GENESIS_HASH = "0" * 64
_a = audit_table.c
# Built once (every account view appends): the chain head, read under the append's lock.
_HEAD = select(_a.seq, _a.hash).order_by(_a.seq.desc()).limit(1)
_APPEND = insert(audit_table)
_APPEND_LOCK = text("SELECT pg_advisory_xact_lock(7310201801)")


def entry_hash(
    prev_hash: str,
    *,
    key: bytes,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None,
) -> str:
    """HMAC-SHA256 (``key``) of the previous hash and the entry's canonical JSON (seq included)."""
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
    return hmac.new(key, (prev_hash + body).encode("utf-8"), hashlib.sha256).hexdigest()


def append_audit_in(
    connection: Connection,
    *,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None,
) -> AuditEntry:
    """Append inside the caller's write transaction (which this locks against other appends)."""
    return append_audit_many_in(connection, [(actor, action, target, details)])[0]


# (actor, action, target, details) of one entry to append
AuditInput = tuple[str, str, str | None, dict[str, Any] | None]


def append_audit_many_in(connection: Connection, entries: Sequence[AuditInput]) -> list[AuditEntry]:
    """Append ``entries`` in order inside the caller's write transaction: one lock, one read of
    the chain head, one multi-row insert (a case decided for 5,000 accounts writes 5,000)."""
    if not entries:
        return []
    if connection.dialect.name == "postgresql":
        # Readers go on; other appenders wait, so two entries never claim the same place.
        # An advisory lock (held to commit), not LOCK TABLE: the service role may not UPDATE the
        # log, and PostgreSQL grants EXCLUSIVE table locks only with UPDATE or DELETE rights.
        connection.execute(_APPEND_LOCK)
    last = connection.execute(_HEAD).first()
    seq, prev_hash = (0, GENESIS_HASH) if last is None else (last.seq, last.hash)
    config = chain_config(connection.engine)
    at = utcnow()
    appended: list[AuditEntry] = []
    for actor, action, target, details in entries:
        seq += 1
        # Store exactly what is hashed: the canonical form read back (NaN -> null, tuples ->
        # lists).
        stored = None if details is None else json.loads(canonical_json(details))
        digest = entry_hash(
            prev_hash,
            key=config.key,
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target,
            details=stored,
        )
        appended.append(
            AuditEntry(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                target=target,
                details=stored,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    connection.execute(_APPEND, [asdict(entry) for entry in appended])
    first, every = appended[0].seq, config.checkpoint_every
    if config.anchors_file is not None and (first - 1) // every != seq // every:
        engine = connection.engine
        after_commit(connection, "audit_checkpoint", lambda: _checkpoint(engine))
    return appended


def _checkpoint(engine: Engine) -> None:
    """A checkpoint every N entries (after the entry's transaction committed)."""
    write_checkpoint(engine, reason=f"every {chain_config(engine).checkpoint_every} entries")


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


def _check_entry(row: Any, *, key: bytes, expected_seq: int, prev_hash: str) -> str | None:
    """Why this row breaks the chain, or None when it fits."""
    if row.seq != expected_seq:
        return f"expected seq {expected_seq} here, found {row.seq}: an entry was deleted"
    if row.prev_hash != prev_hash:
        return "prev_hash does not match the entry before it: entries deleted or reordered"
    recomputed = entry_hash(
        row.prev_hash,
        key=key,
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        details=row.details,
    )
    if not hmac.compare_digest(recomputed, row.hash):
        return "content does not match its keyed hash: the entry was edited or forged"
    return None


def _anchor_problem(anchor: Anchor, row: Any, key_id: str) -> str | None:
    """Why the chain disagrees with an anchor at the anchor's seq, or None."""
    if anchor.key_id != key_id:
        return (
            f"anchor {anchor.source} was made under chain key {anchor.key_id}, "
            f"not this store's key {key_id}"
        )
    if not hmac.compare_digest(anchor.hash, row.hash):
        return (
            f"anchor {anchor.source}: the entry at seq {anchor.seq} differs from the anchored "
            "one: entries at or before it were edited, removed or added"
        )
    return None


def _beyond_head(anchors: dict[int, list[Anchor]], head_seq: int) -> list[str]:
    """Anchors past the head of the chain: the log was truncated after they were taken."""
    return [
        f"anchor {anchor.source} names seq {seq}, but the log ends at seq {head_seq}: "
        f"entries after seq {head_seq} were removed"
        for seq in sorted(anchors)
        if seq > head_seq
        for anchor in anchors[seq]
    ]


def verify_audit_chain(
    engine: Engine, *, anchors: Iterable[Anchor] = (), cross_check: bool = True
) -> AuditVerification:
    """Walk the whole chain under the store's key and hold it to ``anchors``; report the first
    entry that breaks it and, with ``cross_check``, every decision, key or published run that
    differs from its audit entries (``audit_checks``)."""
    config = chain_config(engine)
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_seq.setdefault(anchor.seq, []).append(anchor)
    expected_seq, prev_hash, entries = 1, GENESIS_HASH, 0
    problems: list[str] = []
    covered = CoveredEntries()
    with read_transaction(engine) as connection:
        result = connection.execute(
            select(audit_table).order_by(_a.seq).execution_options(yield_per=5_000)
        )
        for row in result:
            reason = _check_entry(
                row, key=config.key, expected_seq=expected_seq, prev_hash=prev_hash
            )
            if reason is not None:
                result.close()
                return AuditVerification(
                    ok=False,
                    entries=entries,
                    first_bad_seq=row.seq,
                    reason=reason,
                    head_hash=None,
                    key_id=config.key_id,
                )
            for anchor in by_seq.get(row.seq, ()):
                if (problem := _anchor_problem(anchor, row, config.key_id)) is not None:
                    problems.append(problem)
            covered.add(row)
            entries += 1
            expected_seq, prev_hash = row.seq + 1, row.hash
        problems += _beyond_head(by_seq, expected_seq - 1)
        if cross_check:
            problems += check_tables(connection, covered)
    return AuditVerification(
        ok=not problems,
        entries=entries,
        first_bad_seq=None,
        reason=problems[0] if problems else None,
        head_hash=None if entries == 0 else prev_hash,
        head_seq=None if entries == 0 else expected_seq - 1,
        key_id=config.key_id,
        anchors_checked=sum(len(found) for found in by_seq.values()),
        problems=tuple(problems),
    )


def list_audit(
    engine: Engine,
    *,
    limit: int = 100,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first, optionally since a time / by an actor / about a target / of
    one action."""
    query = select(audit_table).order_by(_a.seq.desc()).limit(limit)
    if since is not None:
        query = query.where(_a.at >= since)
    if actor is not None:
        query = query.where(_a.actor == actor)
    if target is not None:
        query = query.where(_a.target == target)
    if action is not None:
        query = query.where(_a.action == action)
    with engine.connect() as connection:
        return [AuditEntry.from_row(row) for row in connection.execute(query)]

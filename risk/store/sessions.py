"""Console sessions: a random id (only its SHA-256 stored) bound to an API key, expiring,
ended at sign-out, and void as soon as the key is revoked (checked on every read)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Engine, insert, select, update

from risk.store.db import write_transaction
from risk.store.records import ApiKeyRecord
from risk.store.schema import keys_table, sessions_table
from risk.store.types import utcnow

_SESSION_BYTES = 32
_k, _s = keys_table.c, sessions_table.c
_PUBLIC = (_k.id, _k.name, _k.role, _k.key_prefix, _k.created_at, _k.revoked_at)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start_session(engine: Engine, key_id: int, *, lifetime: timedelta) -> str:
    """A new session for the key: its random id (the cookie), stored only as a SHA-256."""
    session_id = secrets.token_urlsafe(_SESSION_BYTES)
    now = utcnow()
    with write_transaction(engine) as connection:
        connection.execute(
            insert(sessions_table).values(
                id_hash=_digest(session_id),
                key_id=key_id,
                created_at=now,
                expires_at=now + lifetime,
                ended_at=None,
            )
        )
    return session_id


def session_key(engine: Engine, session_id: str) -> ApiKeyRecord | None:
    """The active key of a live session (not ended, not expired, key not revoked), else None."""
    query = (
        select(*_PUBLIC)
        .join(sessions_table, _s.key_id == _k.id)
        .where(_s.id_hash == _digest(session_id))
        .where(_s.ended_at.is_(None) & (_s.expires_at > utcnow()) & _k.revoked_at.is_(None))
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else ApiKeyRecord.from_row(row)


def end_session(engine: Engine, session_id: str) -> bool:
    """End a session (sign-out); True when a live one was ended."""
    with write_transaction(engine) as connection:
        ended = connection.execute(
            update(sessions_table)
            .where((_s.id_hash == _digest(session_id)) & _s.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    return bool(ended.rowcount)

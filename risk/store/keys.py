"""API keys: random secrets shown once; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from risk.errors import StoreConflictError, StoreInputError, StoreNotFoundError
from risk.store.audit import append_audit_in
from risk.store.audit_checks import key_check
from risk.store.db import write_transaction
from risk.store.records import ApiKeyRecord
from risk.store.schema import keys_table, sessions_table
from risk.store.types import utcnow
from risk.vocab import ADMIN_ROLE, KEY_ROLES

KEY_PREFIX = "mlr_"
# 32 random bytes: a plain SHA-256 is sound (no dictionary to attack, unlike passwords).
_KEY_BYTES = 32
_SHOWN_CHARS = 12
_k = keys_table.c
_PUBLIC = (_k.id, _k.name, _k.role, _k.key_prefix, _k.created_at, _k.revoked_at)


def hash_key(key: str) -> str:
    """The stored form of a key: SHA-256 hex of its UTF-8 bytes."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(
    engine: Engine, *, role: str, name: str, actor: str = "cli"
) -> tuple[str, ApiKeyRecord]:
    """Create a key for a role; returns the plaintext (shown once, never stored) and its record."""
    if role not in KEY_ROLES:
        raise StoreInputError(f"unknown role {role!r}; use {', '.join(KEY_ROLES)}")
    if not name.strip() or len(name) > 100:
        raise StoreInputError("a key name must be 1-100 characters")
    key = KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES)
    values = dict(
        name=name,
        role=role,
        key_prefix=key[:_SHOWN_CHARS],
        key_hash=hash_key(key),
        created_at=utcnow(),
        revoked_at=None,
    )
    try:
        with write_transaction(engine) as connection:
            key_id = connection.execute(
                insert(keys_table).values(**values).returning(_k.id)
            ).scalar_one()
            append_audit_in(
                connection,
                actor=actor,
                action="key.create",
                target=name,
                details={
                    "role": role,
                    "key_prefix": values["key_prefix"],
                    "key_check": key_check(str(values["key_hash"])),
                },
            )
    except IntegrityError as error:
        raise StoreConflictError(f"an API key named {name!r} already exists") from error
    del values["key_hash"]
    return key, ApiKeyRecord(id=key_id, **values)  # type: ignore[arg-type]


def _refuse_last_admin(connection: Connection, row: Any) -> None:
    """Revoking the last active admin key would lock every admin out: refused."""
    if row.role != ADMIN_ROLE:
        return
    # PostgreSQL: lock the active admin keys so two revocations cannot each leave the other.
    others = connection.execute(
        select(_k.id)
        .where((_k.role == ADMIN_ROLE) & _k.revoked_at.is_(None) & (_k.name != row.name))
        .with_for_update()
    ).all()
    if not others:
        raise StoreConflictError(
            f"{row.name!r} is the last active admin key: create another admin key before "
            "revoking it"
        )


def revoke_key(engine: Engine, name: str, *, actor: str = "cli") -> ApiKeyRecord:
    """Revoke a key by name (idempotent: revoking twice keeps the first revocation time)."""
    with write_transaction(engine) as connection:
        row = connection.execute(select(*_PUBLIC).where(_k.name == name)).first()
        if row is None:
            raise StoreNotFoundError(f"no API key named {name!r}")
        if row.revoked_at is None:
            _refuse_last_admin(connection, row)
            connection.execute(
                update(keys_table).where(_k.name == name).values(revoked_at=utcnow())
            )
            # Its console sessions end with it (session_key also refuses a revoked key's).
            connection.execute(
                update(sessions_table)
                .where((sessions_table.c.key_id == row.id) & sessions_table.c.ended_at.is_(None))
                .values(ended_at=utcnow())
            )
            append_audit_in(connection, actor=actor, action="key.revoke", target=name, details={})
        row = connection.execute(select(*_PUBLIC).where(_k.name == name)).one()
    return ApiKeyRecord.from_row(row)


def authenticate(engine: Engine, key: str) -> ApiKeyRecord | None:
    """The active key record matching a presented key, else None (unknown or revoked)."""
    if not key.startswith(KEY_PREFIX):
        return None
    with engine.connect() as connection:
        row = connection.execute(
            select(*_PUBLIC).where((_k.key_hash == hash_key(key)) & _k.revoked_at.is_(None))
        ).first()
    return None if row is None else ApiKeyRecord.from_row(row)


def list_keys(engine: Engine) -> list[ApiKeyRecord]:
    """Every key (active and revoked), oldest first; never the hashes."""
    with engine.connect() as connection:
        rows = connection.execute(select(*_PUBLIC).order_by(_k.created_at, _k.id)).all()
    return [ApiKeyRecord.from_row(row) for row in rows]

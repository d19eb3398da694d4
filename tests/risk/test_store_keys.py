"""API keys: shown once, stored only as SHA-256, revocable, roles checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from risk.errors import StoreConflictError, StoreInputError, StoreNotFoundError
from risk.store.audit import list_audit, verify_audit_chain
from risk.store.keys import authenticate, create_key, hash_key, list_keys, revoke_key


def test_create_authenticate_revoke(store_engine: Engine) -> None:
    key, record = create_key(store_engine, role="moderator", name="alice")
    assert key.startswith("mlr_") and len(key) > 40 and record.key_prefix == key[:12]
    assert authenticate(store_engine, key) == record
    assert authenticate(store_engine, key + "x") is None
    assert authenticate(store_engine, "not-a-key") is None
    revoked = revoke_key(store_engine, "alice")
    assert revoked.revoked_at is not None and not revoked.active
    assert authenticate(store_engine, key) is None
    assert revoke_key(store_engine, "alice").revoked_at == revoked.revoked_at
    assert [k.name for k in list_keys(store_engine)] == ["alice"]
    actions = [entry.action for entry in list_audit(store_engine)]
    assert actions == ["key.revoke", "key.create"] and verify_audit_chain(store_engine).ok


def test_key_refusals(store_engine: Engine) -> None:
    create_key(store_engine, role="admin", name="root")
    with pytest.raises(StoreConflictError):
        create_key(store_engine, role="regulator", name="root")
    with pytest.raises(StoreInputError):
        create_key(store_engine, role="superuser", name="eve")
    with pytest.raises(StoreNotFoundError):
        revoke_key(store_engine, "nobody")
    assert [k.role for k in list_keys(store_engine)] == ["admin"]


def test_only_the_hash_is_stored(store_engine: Engine) -> None:
    key, _ = create_key(store_engine, role="regulator", name="cbirc")
    with store_engine.connect() as connection:
        stored = connection.execute(text("SELECT key_hash FROM api_keys")).scalar_one()
        dump = " ".join(
            str(row)
            for table in ("api_keys", "audit_log")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    assert stored == hash_key(key) and key not in dump
    if store_engine.dialect.name == "sqlite":
        database = Path(str(store_engine.url.database))
        store_engine.dispose()  # checkpoints the WAL into the main file
        files = [database, *database.parent.glob(database.name + "-*")]
        assert all(key.encode() not in path.read_bytes() for path in files)

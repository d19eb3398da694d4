"""API keys: created (shown once), listed, revoked, and checked through a short in-process cache
(one store read per key per TTL) by the API and the console alike."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from risk.store import keys as store
from risk.store.audit import append_audit
from risk.store.keys import KEY_PREFIX, authenticate, hash_key
from risk.store.records import ApiKeyRecord as ApiKeyRecord  # who a key is, for the API
from risk.store.sessions import end_session, session_key, start_session

# How long a worker trusts a key it has checked: a revocation made elsewhere (the CLI, another
# worker) takes effect within this many seconds; one made through this worker at once.
KEY_TTL_SECONDS = 2.0
# Only keys that authenticated are kept, so the cache holds at most the active keys; the bound
# only guards against a store with very many keys.
_MAX_ENTRIES = 10_000


class KeyCache:
    """Active keys by their SHA-256 for ``ttl_seconds`` (unknown or revoked keys never cached)."""

    def __init__(
        self, ttl_seconds: float = KEY_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: dict[str, tuple[float, ApiKeyRecord]] = {}

    def cached(self, key: str) -> ApiKeyRecord | None:
        """The key's record if it authenticated less than ``ttl_seconds`` ago, else None."""
        entry = self._entries.get(hash_key(key))
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def authenticate(self, engine: Engine, key: str) -> ApiKeyRecord | None:
        """The active key's record (cached, else read from the store); None if unknown/revoked."""
        record = self.cached(key)
        if record is not None or not key.startswith(KEY_PREFIX):
            return record
        record = authenticate(engine, key)
        if record is not None:
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            self._entries[hash_key(key)] = (self._clock() + self.ttl_seconds, record)
        return record

    def forget(self, name: str) -> None:
        """Drop a key from the cache (after revoking it through this process)."""
        for digest, (_, record) in list(self._entries.items()):
            if record.name == name:
                self._entries.pop(digest, None)


def create_key(
    *, engine: Engine, role: str, name: str, actor: str = "cli"
) -> tuple[str, ApiKeyRecord]:
    """A new key for a role: its plaintext (shown once, never stored) and its record (audited)."""
    return store.create_key(engine, role=role, name=name, actor=actor)


def list_keys(*, engine: Engine) -> list[ApiKeyRecord]:
    """Every key (active and revoked), oldest first; never the keys nor their hashes."""
    return store.list_keys(engine)


def revoke_key(
    *, engine: Engine, name: str, actor: str = "cli", cache: KeyCache | None = None
) -> ApiKeyRecord:
    """Revoke a key by name (idempotent, audited); this process's ``cache`` forgets it at once."""
    record = store.revoke_key(engine, name, actor=actor)
    if cache is not None:
        cache.forget(name)
    return record


def sign_in(*, engine: Engine, cache: KeyCache, key: str) -> ApiKeyRecord | None:
    """The console's sign-in: the active key's record (through ``cache``), the sign-in audited;
    None for an unknown or revoked key."""
    record = cache.authenticate(engine, key)
    if record is not None:
        append_audit(engine, actor=record.name, action="console.sign_in", target=None)
    return record


def start_console_session(
    *, engine: Engine, cache: KeyCache, key: str, lifetime: timedelta
) -> tuple[ApiKeyRecord, str] | None:
    """Sign in to the console: the key's record and a new server-side session id (the cookie),
    the sign-in audited; None for an unknown or revoked key."""
    record = sign_in(engine=engine, cache=cache, key=key)
    if record is None:
        return None
    return record, start_session(engine, record.id, lifetime=lifetime)


def console_session_key(*, engine: Engine, session_id: str) -> ApiKeyRecord | None:
    """The key behind a live console session (None once ended, expired or the key revoked)."""
    return session_key(engine, session_id)


def end_console_session(*, engine: Engine, session_id: str) -> None:
    """Sign out: the session ends in the store (its cookie is worthless from now on), audited."""
    record = session_key(engine, session_id)
    if end_session(engine, session_id) and record is not None:
        append_audit(engine, actor=record.name, action="console.sign_out", target=None)

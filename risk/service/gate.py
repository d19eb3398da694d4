"""A queue in front of the audited write transactions of the API's hot routes.

Every account view appends to the hash-chained audit log, so views serialize on the store's
write lock (SQLite's single writer; PostgreSQL's lock on ``audit_log``). On SQLite, a writer
that finds the lock taken sleeps in SQLite's busy handler in growing steps (1, 2, 5 ... 100 ms)
and can lose the race again and again: under load that gave seconds-long tail latencies.
Waiting here instead, on a thread lock and (for SQLite files) an ``flock`` shared by the worker
processes, wakes the next writer as soon as the previous one commits. The gate only orders
writers; the store's own lock still guarantees correctness for writers that do not use it.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event


class WriteGate:
    """One writer at a time per process, and per SQLite file across processes."""

    def __init__(self, lock_file: Path | None = None) -> None:
        self.lock_file = lock_file
        self._lock = threading.Lock()
        self._fd: int | None = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the gate for one write transaction."""
        with self._lock:
            if self.lock_file is None:
                yield
                return
            if self._fd is None:
                self._fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            # Released by the kernel too if this process dies while holding it.
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextmanager
    def hold_if_free(self) -> Iterator[bool]:
        """Hold the gate if nobody does (yields True); yields False at once otherwise."""
        if not self._lock.acquire(blocking=False):
            yield False
            return
        try:
            if self.lock_file is None:
                yield True
                return
            if self._fd is None:
                self._fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def close(self) -> None:
        """Close the lock file (the gate reopens it if used again)."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def gate_for(engine: Engine) -> WriteGate:
    """A gate for the store: ``<database>.gate`` beside a SQLite file, a thread lock otherwise."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return WriteGate(Path(database).with_name(Path(database).name + ".gate"))
    return WriteGate()


def no_wait_engine(engine: Engine) -> Engine | None:
    """A second engine on the same SQLite file whose connections never wait for its lock.

    What runs on the event loop uses it: a locked store then fails at once (SQLITE_BUSY at
    ``BEGIN IMMEDIATE``, before anything is written) and the caller retries in a thread,
    instead of the loop sleeping in SQLite's busy handler. None for other stores.
    """
    from risk.store.db import make_engine

    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    quick = make_engine(engine.url.render_as_string(hide_password=False))
    event.listen(quick, "connect", _no_busy_wait)  # after the store's own pragmas
    return quick


def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
    """Fail with SQLITE_BUSY instead of waiting when another connection holds the lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def is_locked(error: BaseException) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY), whatever wraps it."""
    return "database is locked" in str(getattr(error, "orig", error))

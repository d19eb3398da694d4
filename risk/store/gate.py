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

from sqlalchemy import Engine


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

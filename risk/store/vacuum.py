"""Give the space of deleted rows back: SQLite keeps freed pages in its file until VACUUM."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text


@dataclass(frozen=True)
class VacuumResult:
    """What VACUUM did: bytes before and after (the SQLite files, or PostgreSQL's scores)."""

    backend: str
    bytes_before: int
    bytes_after: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {**asdict(self), "seconds": round(self.seconds, 3)}


def _sqlite_files(engine: Engine) -> list[Path]:
    """The database file and its write-ahead log."""
    database = Path(engine.url.database or "")
    return [database, database.with_name(database.name + "-wal")]


def _sqlite_bytes(engine: Engine) -> int:
    return sum(path.stat().st_size for path in _sqlite_files(engine) if path.is_file())


def _postgres_bytes(engine: Engine) -> int:
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_total_relation_size('scores')")).scalar_one()
    return int(size)


def vacuum_store(engine: Engine) -> VacuumResult:
    """SQLite: VACUUM rewrites the file without its free pages (writers wait meanwhile), then
    the write-ahead log is truncated. PostgreSQL: VACUUM (ANALYZE) scores makes the space
    reusable without locking readers or writers (only VACUUM FULL would shrink the files)."""
    sqlite = engine.dialect.name == "sqlite"
    measure = _sqlite_bytes if sqlite else _postgres_bytes
    before, started = measure(engine), time.perf_counter()
    if sqlite:
        # Outside any transaction: the connection is in autocommit mode (see db.py), and the
        # DB-API connection is used directly so that SQLAlchemy does not BEGIN first.
        raw: Any = engine.raw_connection()
        try:
            raw.driver_connection.execute("VACUUM")
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    else:
        with engine.connect() as connection:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.execute(text("VACUUM (ANALYZE) scores"))
    seconds = time.perf_counter() - started
    return VacuumResult(engine.dialect.name, before, measure(engine), seconds)

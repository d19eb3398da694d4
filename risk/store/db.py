"""Engines, migrations and transaction scopes for the store (SQLite embedded, or PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from risk.errors import StoreError
from risk.jsontext import json_text

# Lets a write transaction on SQLite take the write lock up front (BEGIN IMMEDIATE), so two
# writers queue on busy_timeout instead of failing when one upgrades a read snapshot.
_WRITE_OPTION = "risk_write"
_BUSY_TIMEOUT_MS = 30_000
# Any constant: the key of the PostgreSQL advisory lock that serializes concurrent migrations.
_MIGRATION_LOCK_KEY = 7_310_2026
_MIGRATING = threading.Lock()  # alembic's context is process-global (see migrate)
# Work to do once a write transaction has committed (an audit checkpoint), per connection.
_AFTER_COMMIT = "risk_after_commit"


def masked_url(url: str) -> str:
    """The store URL without its password (for anything printed or logged)."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for the store URL; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, json_serializer=json_text, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    """SQLite with explicit BEGIN handling (pysqlite's own is unsafe for our transactions)."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, json_serializer=json_text)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection pragmas; isolation_level None hands BEGIN over to ``_sqlite_on_begin``."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    # NORMAL is durable against a killed process in WAL mode (only power loss can drop commits).
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MB page cache: bulk score writes update five B-trees; the 2 MB default thrashes.
    cursor.execute("PRAGMA cache_size=-65536")
    # The write-ahead log keeps its largest size once checkpointed (a run's 100,000-row
    # transactions grow it past 100 MB): cut it back to 64 MB after each checkpoint.
    cursor.execute("PRAGMA journal_size_limit=67108864")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    """Readers take a snapshot lazily; writers take the write lock at BEGIN."""
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: commits on success, rolls back on any error."""
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE_OPTION: True})
        connection.info.pop(_AFTER_COMMIT, None)
        try:
            with connection.begin():
                yield connection
            hooks: dict[str, Callable[[], object]] = connection.info.pop(_AFTER_COMMIT, {})
        finally:
            connection.info.pop(_AFTER_COMMIT, None)
    for hook in hooks.values():
        hook()


def after_commit(connection: Connection, name: str, hook: Callable[[], object]) -> None:
    """Run ``hook`` once the caller's write transaction has committed (never on rollback);
    one hook per ``name`` and transaction."""
    connection.info.setdefault(_AFTER_COMMIT, {})[name] = hook


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One consistent snapshot for several reads (a page and its total agree)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """An ORM session in one write transaction (commit on success, rollback on error)."""
    with write_transaction(engine) as connection, Session(bind=connection) as session:
        yield session
        session.flush()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is already there)."""
    # lazy: alembic (~0.5 s): only when a store is opened, not on importing the store or the API
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    # alembic installs its migration context as a module-level proxy (alembic.context): two
    # threads of one process migrating at once remove it under each other (KeyError 'script',
    # seen when a served app opened its store beside a test's own): one at a time per process
    with _MIGRATING:
        try:
            with write_transaction(engine) as connection:
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as error:
            raise StoreError(f"cannot migrate the store at {engine.url!r}: {error}") from error


def open_store(url: str) -> Engine:
    """An engine on a migrated store: what the CLI, the API and the scoring job call."""
    engine = make_engine(url)
    migrate(engine)
    return engine

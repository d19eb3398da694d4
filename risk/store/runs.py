"""Scoring-run lifecycle: begin, write scores, publish in one transaction (or fail)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from features.utc import utc
from risk.errors import RunNotFoundError, StoreConflictError
from risk.store.anchors import write_checkpoint
from risk.store.audit import append_audit_in
from risk.store.audit_checks import run_seal
from risk.store.bulk import (
    SCORE_COLUMNS,
    check_scores_frame,
    checked_json_frames,
    insert_rows,
    score_tuples,
)
from risk.store.db import after_commit, read_transaction, write_transaction
from risk.store.records import RunRecord
from risk.store.run_digest import RunDigest, run_content_digest
from risk.store.schema import runs_table, scores_table
from risk.store.types import utcnow

# Rows per write transaction. SQLite checkpoints its write-ahead log after commits, copying
# every page the transaction touched (the five indexes' pages again and again with small
# transactions): 100,000 rows cost ~25 % less CPU than 20,000 (measured at 200k accounts). A
# decision waits one such transaction at most (a few seconds; the busy timeout is 30 s).
ROWS_PER_TRANSACTION = 100_000
_runs = runs_table.c
# What a RunRecord holds: every column but the pruned rows' tallies (large; only reports read them).
_RECORD = select(*[_runs[field.name] for field in fields(RunRecord)])
# The order of published runs: the one readers see first (newest as_of, newest publish on ties).
_NEWEST_FIRST = (_runs.as_of.desc(), _runs.published_at.desc(), _runs.id.desc())


def as_utc(moment: datetime) -> datetime:
    """UTC, microsecond precision; a naive time is UTC (the data contract's rule)."""
    return utc(moment).floor("us").to_pydatetime()


def _key_clause(
    *, data_fingerprint: str, as_of: datetime, model_name: str, model_version: str
) -> Any:
    """The WHERE clause of the run key (snapshot, as_of, model)."""
    return (
        (_runs.data_fingerprint == data_fingerprint)
        & (_runs.as_of == as_utc(as_of))
        & (_runs.model_name == model_name)
        & (_runs.model_version == str(model_version))
    )


def begin_run(
    engine: Engine,
    *,
    as_of: datetime,
    model_name: str,
    model_version: str,
    model_run_id: str | None,
    data_fingerprint: str,
    snapshot_path: str | None,
) -> str:
    """Start a run (status running) after clearing leftovers of unpublished runs with its key."""
    key = _key_clause(
        data_fingerprint=data_fingerprint,
        as_of=as_of,
        model_name=model_name,
        model_version=model_version,
    )
    run_id = uuid.uuid4().hex
    with write_transaction(engine) as connection:
        published = connection.execute(
            select(_runs.id).where(key & (_runs.status == "published"))
        ).scalar()
        if published is not None:
            raise StoreConflictError(
                f"run {published} already published this snapshot, as_of and model; "
                "use find_published_run to reuse it"
            )
        _clear_leftovers(connection, key, superseded_by=run_id)
        connection.execute(
            insert(runs_table).values(
                id=run_id,
                status="running",
                as_of=as_utc(as_of),
                model_name=model_name,
                model_version=str(model_version),
                model_run_id=model_run_id,
                data_fingerprint=data_fingerprint,
                snapshot_path=snapshot_path,
                started_at=utcnow(),
            )
        )
    return run_id


def _clear_leftovers(connection: Connection, key: Any, *, superseded_by: str) -> None:
    """Drop scores of crashed or failed runs with the same key; mark crashed ones failed."""
    leftover_ids = select(_runs.id).where(key & (_runs.status != "published"))
    connection.execute(delete(scores_table).where(scores_table.c.run_id.in_(leftover_ids)))
    connection.execute(
        update(runs_table)
        .where(key & (_runs.status == "running"))
        .values(
            status="failed",
            finished_at=utcnow(),
            error=f"interrupted before publishing; superseded by run {superseded_by}",
        )
    )


def find_published_run(
    engine: Engine, *, data_fingerprint: str, as_of: datetime, model_name: str, model_version: str
) -> RunRecord | None:
    """The published run of this snapshot, as_of and model, if any (for idempotent reruns)."""
    key = _key_clause(
        data_fingerprint=data_fingerprint,
        as_of=as_of,
        model_name=model_name,
        model_version=model_version,
    )
    with engine.connect() as connection:
        row = connection.execute(_RECORD.where(key & (_runs.status == "published"))).first()
    return None if row is None else RunRecord.from_row(row)


def _require_running(connection: Connection, run_id: str) -> None:
    """Raise unless the run exists and is still being written."""
    status = connection.execute(select(_runs.status).where(_runs.id == run_id)).scalar()
    if status is None:
        raise RunNotFoundError(f"no scoring run {run_id!r}")
    if status != "running":
        raise StoreConflictError(f"run {run_id} is {status}, not running: it cannot change")


def write_scores(
    engine: Engine,
    run_id: str,
    scores: pd.DataFrame,
    *,
    features: pd.DataFrame | None = None,
    percentiles: pd.DataFrame | None = None,
) -> int:
    """Append scores to a running run in chunks (each its own transaction); rows written.

    ``features``/``percentiles`` may come as numeric frames aligned row by row with ``scores``
    instead of columns of dicts: their JSON is then built column-wise, several times faster.
    """
    check_scores_frame(scores)
    json_frames = checked_json_frames(scores, features, percentiles)
    with engine.connect() as connection:
        _require_running(connection, run_id)

    def prepare(start: int) -> list[tuple[Any, ...]]:
        part = slice(start, start + ROWS_PER_TRANSACTION)
        return score_tuples(
            scores.iloc[part], run_id, {k: v.iloc[part] for k, v in json_frames.items()}
        )

    return insert_pipelined(engine, run_id, range(0, len(scores), ROWS_PER_TRANSACTION), prepare)


def insert_pipelined(
    engine: Engine,
    run_id: str,
    starts: Sequence[int],
    prepare: Callable[[int], list[tuple[Any, ...]]],
    written_rows: Callable[[int], None] | None = None,
) -> int:
    """Insert the chunks ``prepare(start)`` builds, one transaction each, building chunk i+1 on
    a second thread while chunk i goes in (Arrow, sqlite3 and psycopg release the GIL while
    they work: two cores, not one); ``written_rows`` hears each chunk's size. Rows written."""
    written = 0
    with ThreadPoolExecutor(max_workers=1) as builder:
        pending = builder.submit(prepare, starts[0]) if starts else None
        for index, start in enumerate(starts):
            assert pending is not None
            rows = pending.result()
            if index + 1 < len(starts):
                pending = builder.submit(prepare, starts[index + 1])
            insert_score_rows(engine, run_id, start, rows)
            written += len(rows)
            if written_rows is not None:
                written_rows(len(rows))
    return written


def score_rows(run_id: str, scores: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The rows ``insert_score_rows`` takes for a frame of score rows (checked first)."""
    check_scores_frame(scores)
    return score_tuples(scores, run_id, {})


def insert_score_rows(engine: Engine, run_id: str, start: int, rows: list[tuple[Any, ...]]) -> None:
    """One chunk of ``score_rows`` in its own transaction (the run stays invisible until
    published); ``start``: the chunk's first row in the run, for the message of a clash."""
    try:
        with write_transaction(engine) as connection:
            _require_running(connection, run_id)
            insert_rows(connection, scores_table, ("run_id", *SCORE_COLUMNS), rows)
    except IntegrityError as error:
        raise StoreConflictError(
            f"run {run_id}: scores rows {start}-{start + len(rows) - 1} clash with rows "
            f"already written (an account_id scored twice?): {error.orig}"
        ) from error


def publish_run(
    engine: Engine,
    run_id: str,
    *,
    accounts_scored: int,
    counts: dict[str, Any],
    timings: dict[str, Any],
    drift: dict[str, Any] | None,
    values_file: Path | None = None,
) -> RunRecord:
    """Make the run visible in one transaction; readers see the previous run until commit.
    ``values_file``: the run's per-account feature values (``risk.store.run_values``).

    The digest of the run's rows is taken first, outside the publish transaction (its rows
    are written and never updated): writers are not held up while a large run is read."""
    with read_transaction(engine) as connection:
        digest = run_content_digest(connection, run_id)
    try:
        with write_transaction(engine) as connection:
            _require_running(connection, run_id)
            rows = connection.execute(
                select(func.count())
                .select_from(scores_table)
                .where(scores_table.c.run_id == run_id)
            ).scalar_one()
            if rows != accounts_scored:
                raise StoreConflictError(
                    f"run {run_id}: {rows} scores written but accounts_scored={accounts_scored}"
                )
            now = utcnow()
            connection.execute(
                update(runs_table)
                .where(_runs.id == run_id)
                .values(
                    status="published",
                    published_at=now,
                    finished_at=now,
                    accounts_scored=accounts_scored,
                    counts=counts,
                    timings=timings,
                    drift=drift,
                    values_file=None if values_file is None else str(values_file),
                )
            )
            _seal(connection, run_id, digest, values_file)
    except IntegrityError as error:
        raise StoreConflictError(
            f"run {run_id}: another run with the same snapshot, as_of and model was published"
        ) from error
    record = get_run(engine, run_id)
    assert record is not None  # just published in the transaction above
    return record


def _seal(connection: Connection, run_id: str, digest: RunDigest, values_file: Path | None) -> None:
    """Audit the publish with the run's identity and the digest of its rows (and of its values
    file); checkpoint after."""
    run = connection.execute(select(runs_table).where(_runs.id == run_id)).one()
    if digest.rows != run.accounts_scored:
        raise StoreConflictError(f"run {run_id}: its rows changed while it was being published")
    values = {} if values_file is None else {"values_sha256": file_sha256(values_file)}
    append_audit_in(
        connection,
        actor="scoring",
        action="run.publish",
        target=run_id,
        details={**run_seal(run), **digest.to_details(), **values},
    )
    engine = connection.engine
    after_commit(
        connection,
        "run_checkpoint",
        lambda: write_checkpoint(engine, reason=f"run {run_id} published"),
    )


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (a run's values file, sealed with its rows)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def fail_run(engine: Engine, run_id: str, error: str) -> None:
    """Mark a running run failed and drop its scores (never touches a published run)."""
    with write_transaction(engine) as connection:
        _require_running(connection, run_id)
        connection.execute(delete(scores_table).where(scores_table.c.run_id == run_id))
        connection.execute(
            update(runs_table)
            .where(_runs.id == run_id)
            .values(status="failed", finished_at=utcnow(), error=error)
        )


def latest_published_run(engine: Engine) -> RunRecord | None:
    """The run readers see: the published run with the newest as_of (newest publish wins ties)."""
    with engine.connect() as connection:
        return latest_published_in(connection)


def latest_published_id_query() -> Any:
    """The id of the latest published run, as a scalar subquery (the status/as_of index)."""
    return (
        select(_runs.id)
        .where(_runs.status == "published")
        .order_by(*_NEWEST_FIRST)
        .limit(1)
        .scalar_subquery()
    )


def latest_published_in(connection: Connection) -> RunRecord | None:
    """``latest_published_run`` inside a caller's transaction."""
    row = connection.execute(
        _RECORD.where(_runs.status == "published").order_by(*_NEWEST_FIRST).limit(1)
    ).first()
    return None if row is None else RunRecord.from_row(row)


def runs_with_status_in(connection: Connection, status: str) -> list[RunRecord]:
    """Every run with this status; published ones in the order readers see them (latest first)."""
    rows = connection.execute(_RECORD.where(_runs.status == status).order_by(*_NEWEST_FIRST))
    return [RunRecord.from_row(row) for row in rows]


def get_run(engine: Engine, run_id: str) -> RunRecord | None:
    """One run by id, whatever its status."""
    with engine.connect() as connection:
        row = connection.execute(_RECORD.where(_runs.id == run_id)).first()
    return None if row is None else RunRecord.from_row(row)


def list_runs(engine: Engine, limit: int = 50) -> list[RunRecord]:
    """The most recently started runs first."""
    with read_transaction(engine) as connection:
        rows = connection.execute(
            _RECORD.order_by(_runs.started_at.desc(), _runs.id.desc()).limit(limit)
        ).all()
    return [RunRecord.from_row(row) for row in rows]

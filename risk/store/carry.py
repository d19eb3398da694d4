"""An incremental night's unchanged rows, copied inside the database from the previous run.

On a night where few accounts changed, most of a run's rows equal the previous run's in every
column but ``rank`` (a changed score moves the ranks below it). Those rows are copied with one
``INSERT ... SELECT`` per 100,000 (the new ranks joined from a temporary table) instead of being
built as Python tuples, encoded and sent again; only the other rows take the ordinary path.
"Equal" is decided on what the store holds: the previous run's columns read back (its JSON
columns as their stored text) against the new row as it would be written (the same encoder),
numbers bit for bit, so a copied row is the row a full run writes (tested on both databases).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Text, cast, select, text

from risk.errors import StoreConflictError
from risk.store.bulk import JSON_COLUMNS, column_values, json_texts
from risk.store.db import read_transaction, write_transaction
from risk.store.records import SCORE_ROW_COLUMNS
from risk.store.runs import ROWS_PER_TRANSACTION, require_running
from risk.store.schema import scores_table

_s = scores_table.c
# What is compared: every stored column of a score row but the account and its rank.
COMPARED_COLUMNS: tuple[str, ...] = tuple(
    name for name in SCORE_ROW_COLUMNS if name not in ("account_id", "rank")
)
_FLOAT_COLUMNS = ("score", "role_probability", "network_score", "branch_score")
_TEMP = "carried_ranks"


def _stored(engine: Engine, run_id: str) -> pd.DataFrame:
    """The run's rows (index account_id), JSON columns as the text the store holds."""
    columns = [
        cast(_s[name], Text).label(name) if name in JSON_COLUMNS else _s[name]
        for name in COMPARED_COLUMNS
    ]
    with read_transaction(engine) as connection:
        rows = connection.execute(select(_s.account_id, *columns).where(_s.run_id == run_id)).all()
    frame = pd.DataFrame.from_records(rows, columns=["account_id", *COMPARED_COLUMNS])
    return frame.set_index("account_id")


def _same(old: pd.Series, new: list[Any], name: str) -> np.ndarray:
    """Per row: the stored value equals the value the writer would store (floats bit for bit,
    NULL and NaN alike missing)."""
    if name in _FLOAT_COLUMNS:
        before = pd.to_numeric(old, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        after = np.array([np.nan if v is None else v for v in new], dtype="float64")
        missing = np.isnan(before) & np.isnan(after)
        same: np.ndarray = (before.view(np.int64) == after.view(np.int64)) | missing
        return same
    before_values = old.astype(object).where(old.notna(), None).tolist()
    if name == "tier":
        after_values: list[Any] = [None if v is None else int(v) for v in new]
        before_values = [None if v is None else int(v) for v in before_values]
    else:
        after_values = new
    return np.fromiter(
        (a == b for a, b in zip(before_values, after_values, strict=True)), bool, len(new)
    )


def unchanged_rows(engine: Engine, previous_run_id: str, rows: pd.DataFrame) -> np.ndarray:
    """Per row of ``rows`` (score rows with an ``account_id`` column, as ``score_rows`` takes
    them): the previous run holds the same row but for its rank."""
    stored = _stored(engine, previous_run_id)
    ids = rows["account_id"].astype(str)
    at = stored.index.get_indexer(ids)
    same = at >= 0
    if not same.any():
        return same
    old = stored.iloc[np.where(same, at, 0)]
    for name in COMPARED_COLUMNS:
        values = column_values(rows, name)
        new = json_texts(values) if name in JSON_COLUMNS else values
        same &= _same(old[name].reset_index(drop=True), new, name)
    return same


def copy_rows(
    engine: Engine, run_id: str, previous_run_id: str, account_ids: list[str], ranks: list[int]
) -> int:
    """Copy the previous run's rows of ``account_ids`` into the running run with their new
    ``ranks``, 100,000 rows per transaction; rows copied."""
    names = [column.name for column in scores_table.c if column.name not in ("run_id", "rank")]
    listed = ", ".join(names)
    chosen = ", ".join(f"s.{name}" for name in names)
    copy = (
        f"INSERT INTO scores (run_id, {listed}, rank) "
        f"SELECT :run_id, {chosen}, t.rank FROM {_TEMP} t "
        f"JOIN scores s ON s.run_id = :previous AND s.account_id = t.account_id"
    )
    copied = 0
    for start in range(0, len(account_ids), ROWS_PER_TRANSACTION):
        part = slice(start, start + ROWS_PER_TRANSACTION)
        pairs = list(zip(account_ids[part], ranks[part], strict=True))
        with write_transaction(engine) as connection:
            require_running(connection, run_id)
            postgresql = connection.dialect.name == "postgresql"
            temp = "TEMPORARY TABLE" + (" IF NOT EXISTS" if not postgresql else "")
            on_commit = " ON COMMIT DROP" if postgresql else ""
            connection.exec_driver_sql(
                f"CREATE {temp} {_TEMP} (account_id TEXT PRIMARY KEY, rank INTEGER){on_commit}"
            )
            if postgresql:
                raw: Any = connection.connection.driver_connection
                with raw.cursor() as cursor, cursor.copy(f"COPY {_TEMP} FROM STDIN") as sink:
                    for pair in pairs:
                        sink.write_row(pair)
            else:
                connection.exec_driver_sql(f"DELETE FROM {_TEMP}")
                connection.exec_driver_sql(f"INSERT INTO {_TEMP} VALUES (?, ?)", pairs)
            result = connection.execute(text(copy), {"run_id": run_id, "previous": previous_run_id})
            if result.rowcount != len(pairs):
                raise StoreConflictError(
                    f"run {run_id}: {result.rowcount} of {len(pairs)} rows carried over from"
                    f" run {previous_run_id} were found there"
                )
            if not postgresql:
                connection.exec_driver_sql(f"DROP TABLE {_TEMP}")
            copied += len(pairs)
    return copied

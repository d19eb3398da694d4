"""A run's per-account feature values and percentiles: one Parquet file per run, not JSON text.

The account views show each account's registry feature values and their percentile in the
run's population. Kept as JSON text on every score row they were most of a run's bytes (~4 KB
an account) and most of its write time; as typed columns in one compressed file per run they
are a few dozen bytes an account, written in a second or two. The file is sorted by
account_id in small row groups: an account is read through the row groups' id bounds (one
binary search and one row group decoded), a network's accounts through one filtered scan.
Written under a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, select

from risk.errors import StoreInputError
from risk.settings import get_settings
from risk.store.schema import runs_table

ACCOUNT_ID = "account_id"
PERCENTILE_PREFIX = "percentile:"  # a percentile column is the feature's name behind this
ROW_GROUP_ROWS = 1_024  # small groups: one account's read decodes ~1k rows, not the run
RUNS_FOLDER = "runs"


def values_path(engine: Engine, run_id: str) -> Path:
    """Where the run's values file goes: beside a SQLite database file (so a store moves and
    is backed up whole), under ``RISK_HOME`` for any other store."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        home = Path(database).resolve().parent
    else:
        home = get_settings().home.resolve()
    return home / RUNS_FOLDER / f"{run_id}.parquet"


def write_run_values(
    path: Path, account_ids: Sequence[str], features: pd.DataFrame, percentiles: pd.DataFrame
) -> int:
    """Write the values of every account (rows aligned with ``account_ids``); bytes written."""
    if not len(features) == len(percentiles) == len(account_ids):
        raise StoreInputError(
            f"run values: {len(account_ids)} accounts, {len(features)} feature rows, "
            f"{len(percentiles)} percentile rows"
        )
    columns: dict[str, Any] = {
        ACCOUNT_ID: pa.array(np.asarray(account_ids, dtype=object), pa.string())
    }
    for name in features.columns:
        columns[str(name)] = pa.array(features[name].to_numpy(dtype="float64"), from_pandas=True)
    for name in percentiles.columns:
        values = percentiles[name].to_numpy(dtype="float64")
        columns[PERCENTILE_PREFIX + str(name)] = pa.array(values, from_pandas=True)
    table = pa.table(columns)
    table = table.take(pc.sort_indices(table, [(ACCOUNT_ID, "ascending")]))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    pq.write_table(
        table, partial, row_group_size=ROW_GROUP_ROWS, compression="zstd", use_dictionary=False
    )
    os.replace(partial, path)
    return path.stat().st_size


@dataclass(frozen=True)
class _Bounds:
    """The file's row groups by their last account id (the file is sorted by account_id)."""

    file: pq.ParquetFile
    last_ids: np.ndarray


@lru_cache(maxsize=8)
def _bounds(path: str, _mtime_ns: int) -> _Bounds:
    """Row-group bounds of a values file, read once per file version."""
    file = pq.ParquetFile(path)
    position = file.schema_arrow.get_field_index(ACCOUNT_ID)
    last_ids = [
        file.metadata.row_group(group).column(position).statistics.max
        for group in range(file.metadata.num_row_groups)
    ]
    return _Bounds(file=file, last_ids=np.asarray(last_ids, dtype=object))


def _split(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(feature values, percentiles) of one row; NaN reads as None, as the JSON held it."""
    features: dict[str, Any] = {}
    percentiles: dict[str, Any] = {}
    for name, value in row.items():
        if name == ACCOUNT_ID:
            continue
        clean = None if value is None or value != value else value
        if name.startswith(PERCENTILE_PREFIX):
            percentiles[name.removeprefix(PERCENTILE_PREFIX)] = clean
        else:
            features[name] = clean
    return features, percentiles


def read_account_values(
    path: Path, account_id: str
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The account's (feature values, percentiles), or None when the file does not hold it."""
    try:
        bounds = _bounds(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    group = int(np.searchsorted(bounds.last_ids, account_id, side="left"))
    if group >= len(bounds.last_ids):
        return None
    # one thread: waking a pool per column costs more than decoding one small group
    rows = bounds.file.read_row_group(group, use_threads=False)
    ids = rows.column(ACCOUNT_ID).to_numpy(zero_copy_only=False)
    at = int(np.searchsorted(ids, account_id, side="left"))
    if at >= len(ids) or ids[at] != account_id:
        return None
    return _split(rows.slice(at, 1).to_pylist()[0])


def read_values_frame(
    path: Path, account_ids: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Feature ``columns`` of the accounts given (index account_id; absent accounts left out)."""
    if not path.exists():
        return pd.DataFrame(columns=list(columns), index=pd.Index([], name=ACCOUNT_ID))
    present = set(pq.read_schema(path).names)
    wanted = [c for c in columns if c in present]
    table = pq.read_table(
        path,
        columns=[ACCOUNT_ID, *wanted],
        filters=pc.field(ACCOUNT_ID).isin(pa.array(list(account_ids), pa.string())),
    )
    frame = table.to_pandas().set_index(ACCOUNT_ID)
    return frame.reindex(columns=list(columns))


def keep_accounts(path: Path, account_ids: Sequence[str]) -> int:
    """Rewrite the file with only ``account_ids`` (a pruned run); rows kept."""
    if not path.exists():
        return 0
    table = pq.read_table(path)
    kept = table.filter(
        pc.is_in(table.column(ACCOUNT_ID), pa.array(list(account_ids), pa.string()))
    )
    partial = path.with_name(path.name + ".partial")
    pq.write_table(
        kept, partial, row_group_size=ROW_GROUP_ROWS, compression="zstd", use_dictionary=False
    )
    os.replace(partial, path)
    return kept.num_rows


def remove_values(path: Path | None) -> None:
    """Delete a run's values file (a failed run's; nothing if there is none)."""
    if path is not None:
        for leftover in (path, path.with_name(path.name + ".partial")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def values_file_of(connection: Connection, run_id: str) -> Path | None:
    """The run's values file, if it has one (runs published before revision 0009 do not)."""
    found = connection.execute(
        select(runs_table.c.values_file).where(runs_table.c.id == run_id)
    ).scalar()
    return None if found is None else Path(found)

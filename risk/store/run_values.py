"""A run's per-account feature values and percentiles: one columnar file per run, not JSON text.

The account views show each account's registry feature values and their percentile in the
run's population. Kept as JSON text on every score row they were most of a run's bytes (~4 KB
an account) and most of its write time; as typed columns in one compressed file per run they
are a few dozen bytes an account, written in a second or two.

New runs write an Arrow IPC file (``runs/<run_id>.arrow``): LZ4-compressed record batches of
256 accounts sorted by account_id, the last id of every batch in the file's metadata. A reader
memory-maps the file once per process and finds an account with one binary search and one
batch decoded on one thread (~0.5 ms; a Parquet row group of 1,024 rows took ~5 ms of CPU, its
column decoders dominating); a network's accounts decode only the batches and columns they
need. Runs written before (``.parquet``, sorted in 1,024-row groups) are read as before.
Written under a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import json
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
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, select

from risk.errors import StoreInputError
from risk.settings import get_settings
from risk.store.schema import runs_table

ACCOUNT_ID = "account_id"
PERCENTILE_PREFIX = "percentile:"  # a percentile column is the feature's name behind this
ROW_GROUP_ROWS = 1_024  # Parquet files (runs before the Arrow files): rows per row group
BATCH_ROWS = 256  # Arrow files: one account's read decompresses 256 rows, not the run
RUNS_FOLDER = "runs"
ARROW_SUFFIX = ".arrow"
PARQUET_SUFFIX = ".parquet"
# The file's metadata key holding the last account id of every batch (JSON list, in order).
_LAST_IDS = b"risk.batch_last_ids"


def values_path(engine: Engine, run_id: str) -> Path:
    """Where the run's values file goes: beside a SQLite database file (so a store moves and
    is backed up whole), under ``RISK_HOME`` for any other store."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        home = Path(database).resolve().parent
    else:
        home = get_settings().home.resolve()
    return home / RUNS_FOLDER / f"{run_id}{ARROW_SUFFIX}"


def _is_parquet(path: Path) -> bool:
    """A values file of the first format (runs published before the Arrow files)."""
    return path.suffix == PARQUET_SUFFIX


def values_table(
    account_ids: Sequence[str], features: pd.DataFrame, percentiles: pd.DataFrame
) -> pa.Table:
    """The file's table: account_id, feature columns, ``percentile:`` columns, by account_id."""
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
    return table.take(pc.sort_indices(table, [(ACCOUNT_ID, "ascending")]))


def write_run_values(
    path: Path, account_ids: Sequence[str], features: pd.DataFrame, percentiles: pd.DataFrame
) -> int:
    """Write the values of every account (rows aligned with ``account_ids``); bytes written.
    The format follows the file name: ``.arrow`` (what runs write) or ``.parquet``."""
    return _write_sorted(path, values_table(account_ids, features, percentiles))


def _write_sorted(path: Path, table: pa.Table) -> int:
    """Write a table already sorted by account_id in the format of ``path``; bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if _is_parquet(path):
        pq.write_table(
            table, partial, row_group_size=ROW_GROUP_ROWS, compression="zstd", use_dictionary=False
        )
    else:
        _write_arrow(partial, table)
    os.replace(partial, path)
    return path.stat().st_size


def _write_arrow(path: Path, table: pa.Table) -> None:
    """Batches of ``BATCH_ROWS`` accounts, LZ4 (decompresses several times faster than zstd:
    a lookup decodes a whole batch), each batch's last id in the metadata."""
    table = _tenths(table)
    batches = table.combine_chunks().to_batches(max_chunksize=BATCH_ROWS)
    last_ids = [batch.column(0)[-1].as_py() for batch in batches if batch.num_rows]
    schema = table.schema.with_metadata({_LAST_IDS: json.dumps(last_ids).encode()})
    options = ipc.IpcWriteOptions(compression="lz4")
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema, options=options) as out:
        for batch in batches:
            if batch.num_rows:
                out.write_batch(batch)


def _tenths(table: pa.Table) -> pa.Table:
    """Percentile columns as whole tenths in 16 bits where that is exact (percentiles are
    rounded to 0.1 in 0-100): ~10 % off the LZ4 file; ``_from_tenths`` gives the float back."""
    for position, name in enumerate(table.column_names):
        if not name.startswith(PERCENTILE_PREFIX) or not pa.types.is_floating(table[name].type):
            continue
        values = table[name].to_numpy()
        present = ~np.isnan(values)
        tenths = np.round(values[present] * 10)
        if len(tenths) and (tenths.min() < 0 or tenths.max() > 65_535):
            continue
        if not np.array_equal(tenths / 10.0, values[present]):
            continue
        whole = np.zeros(len(values), np.uint16)
        whole[present] = tenths.astype(np.uint16)
        table = table.set_column(position, name, pa.array(whole, mask=~present))
    return table


def _from_tenths(rows: pa.RecordBatch | pa.Table) -> pa.RecordBatch | pa.Table:
    """Percentile columns stored as tenths back to the floats written (``_tenths``)."""
    for position, name in enumerate(rows.schema.names):
        if name.startswith(PERCENTILE_PREFIX) and pa.types.is_uint16(rows.schema.field(name).type):
            floats = pc.divide(pc.cast(rows.column(position), pa.float64()), 10.0)
            rows = rows.set_column(position, name, floats)
    return rows


@dataclass(frozen=True)
class _Bounds:
    """A Parquet file's row groups by their last account id (the file is sorted)."""

    file: pq.ParquetFile
    last_ids: np.ndarray


@dataclass(frozen=True)
class _ArrowIndex:
    """A memory-mapped Arrow values file and the last account id of each of its batches."""

    reader: ipc.RecordBatchFileReader
    last_ids: np.ndarray

    @property
    def schema(self) -> pa.Schema:
        return self.reader.schema


@lru_cache(maxsize=8)
def _bounds(path: str, _mtime_ns: int) -> _Bounds:
    """Row-group bounds of a Parquet values file, read once per file version."""
    file = pq.ParquetFile(path)
    position = file.schema_arrow.get_field_index(ACCOUNT_ID)
    last_ids = [
        file.metadata.row_group(group).column(position).statistics.max
        for group in range(file.metadata.num_row_groups)
    ]
    return _Bounds(file=file, last_ids=np.asarray(last_ids, dtype=object))


@lru_cache(maxsize=8)
def _arrow_index(path: str, _mtime_ns: int) -> _ArrowIndex:
    """An Arrow values file opened (memory-mapped) once per file version and process."""
    reader = _open_arrow(path)
    raw = (reader.schema.metadata or {}).get(_LAST_IDS)
    if raw is None:  # not written by _write_arrow: read the id column of every batch
        ids = _open_arrow(path, [reader.schema.get_field_index(ACCOUNT_ID)])
        last = [ids.get_batch(i).column(0)[-1].as_py() for i in range(ids.num_record_batches)]
    else:
        last = json.loads(raw)
    return _ArrowIndex(reader=reader, last_ids=np.asarray(last, dtype=object))


def _open_arrow(path: str, fields: list[int] | None = None) -> ipc.RecordBatchFileReader:
    """A reader of the file's batches (``fields``: only those columns), decoding on the
    calling thread: waking Arrow's pool per column costs more than a batch's decompression."""
    options = ipc.IpcReadOptions(use_threads=False, included_fields=fields)
    return ipc.open_file(pa.memory_map(path), options=options)


def _split(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(feature values, percentiles) of one row; NaN reads as None, as the JSON held it."""
    features: dict[str, Any] = {}
    percentiles: dict[str, Any] = {}
    for name, value in row.items():
        if name == ACCOUNT_ID:
            continue
        clean = None if value is None or value != value else value
        if name.startswith(PERCENTILE_PREFIX):
            if isinstance(clean, int):  # stored as tenths (_tenths): the float written
                clean = clean / 10
            percentiles[name.removeprefix(PERCENTILE_PREFIX)] = clean
        else:
            features[name] = clean
    return features, percentiles


def _row_of(rows: pa.RecordBatch | pa.Table, account_id: str) -> dict[str, Any] | None:
    """The row of ``account_id`` in rows sorted by account id (None when absent)."""
    ids = rows.column(ACCOUNT_ID).to_numpy(zero_copy_only=False)
    at = int(np.searchsorted(ids, account_id, side="left"))
    if at >= len(ids) or ids[at] != account_id:
        return None
    row: dict[str, Any] = rows.slice(at, 1).to_pylist()[0]
    return row


def read_account_values(
    path: Path, account_id: str
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The account's (feature values, percentiles), or None when the file does not hold it."""
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    if _is_parquet(path):
        bounds = _bounds(str(path), mtime)
        group = int(np.searchsorted(bounds.last_ids, account_id, side="left"))
        if group >= len(bounds.last_ids):
            return None
        # one thread: waking a pool per column costs more than decoding one small group
        row = _row_of(bounds.file.read_row_group(group, use_threads=False), account_id)
    else:
        index = _arrow_index(str(path), mtime)
        batch = int(np.searchsorted(index.last_ids, account_id, side="left"))
        if batch >= len(index.last_ids):
            return None
        row = _row_of(index.reader.get_batch(batch), account_id)
    return None if row is None else _split(row)


def read_values_frame(
    path: Path, account_ids: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Feature ``columns`` of the accounts given (index account_id; absent accounts left out)."""
    if not path.exists():
        return pd.DataFrame(columns=list(columns), index=pd.Index([], name=ACCOUNT_ID))
    wanted_ids = pa.array(list(account_ids), pa.string())
    if _is_parquet(path):
        present = set(pq.read_schema(path).names)
        wanted = [c for c in columns if c in present]
        table = pq.read_table(
            path, columns=[ACCOUNT_ID, *wanted], filters=pc.field(ACCOUNT_ID).isin(wanted_ids)
        )
    else:
        table = _arrow_rows(path, wanted_ids, columns)
    frame = table.to_pandas().set_index(ACCOUNT_ID)
    return frame.reindex(columns=list(columns))


def values_columns(path: Path) -> list[str]:
    """The column names a values file holds, in either format."""
    if _is_parquet(path):
        return list(pq.read_schema(path).names)
    return list(_arrow_index(str(path), path.stat().st_mtime_ns).schema.names)


def read_values_columns(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Feature ``columns`` of every account of the file (index account_id; a column the file
    lacks reads as missing)."""
    if _is_parquet(path):
        present = set(values_columns(path))
        table = pq.read_table(path, columns=[ACCOUNT_ID, *(c for c in columns if c in present)])
    else:
        schema = _arrow_index(str(path), path.stat().st_mtime_ns).schema
        fields = [schema.get_field_index(c) for c in dict.fromkeys([ACCOUNT_ID, *columns])]
        table = _from_tenths(_open_arrow(str(path), sorted(f for f in fields if f >= 0)).read_all())
    frame = table.to_pandas().set_index(ACCOUNT_ID)
    return frame.reindex(columns=list(columns))


def _arrow_rows(path: Path, account_ids: pa.Array, columns: Sequence[str]) -> pa.Table:
    """The accounts' rows of an Arrow values file: only the batches that can hold them, only
    the columns asked for (and account_id)."""
    index = _arrow_index(str(path), path.stat().st_mtime_ns)
    schema = index.schema
    fields = [schema.get_field_index(c) for c in dict.fromkeys([ACCOUNT_ID, *columns])]
    fields = [f for f in fields if f >= 0]
    ids = np.asarray(account_ids.to_pylist(), dtype=object)
    batches: list[int] = np.unique(np.searchsorted(index.last_ids, ids, side="left")).tolist()
    reader = _open_arrow(str(path), sorted(fields))
    read = [reader.get_batch(b) for b in batches if b < len(index.last_ids)]
    if not read:
        return pa.schema([schema.field(f) for f in sorted(fields)]).empty_table()
    table = _from_tenths(pa.Table.from_batches(read))
    return table.filter(pc.is_in(table.column(ACCOUNT_ID), account_ids))


def keep_accounts(path: Path, account_ids: Sequence[str]) -> int:
    """Rewrite the file with only ``account_ids`` (a pruned run); rows kept."""
    if not path.exists():
        return 0
    table = (
        pq.read_table(path)
        if _is_parquet(path)
        else _from_tenths(_open_arrow(str(path)).read_all())
    )
    kept = table.filter(
        pc.is_in(table.column(ACCOUNT_ID), pa.array(list(account_ids), pa.string()))
    )
    _write_sorted(path, kept.replace_schema_metadata(None))
    return kept.num_rows


def remove_values(path: Path | None) -> None:
    """Delete a run's values file (a failed run's; nothing if there is none), in either format
    (a run that crashed before the Arrow files left a Parquet file)."""
    if path is not None:
        files = {path, path.with_suffix(ARROW_SUFFIX), path.with_suffix(PARQUET_SUFFIX)}
        for leftover in [*files, *(f.with_name(f.name + ".partial") for f in files)]:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def values_file_of(connection: Connection, run_id: str) -> Path | None:
    """The run's values file, if it has one (runs published before revision 0009 do not)."""
    found = connection.execute(
        select(runs_table.c.values_file).where(runs_table.c.id == run_id)
    ).scalar()
    return None if found is None else Path(found)

"""write_snapshot: the four tables to a snapshot directory, atomically and byte-reproducibly."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from features.snapshot import Snapshot
from training.simulator.errors import SimulationError

Format = Literal["csv", "parquet"]
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # the simulator works in whole seconds, UTC


def _tables(snapshot: Snapshot) -> dict[str, pd.DataFrame]:
    """Table name -> frame, in writing order."""
    tables = {
        "accounts": snapshot.accounts,
        "orders": snapshot.orders,
        "commissions": snapshot.commissions,
    }
    if snapshot.labels is not None:
        tables["labels"] = snapshot.labels
    return tables


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV with fixed formats: ISO UTC seconds, cents, lower-case booleans, empty = missing."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.strftime(TIME_FORMAT)
        elif series.dtype == bool:
            out[column] = series.map({True: "true", False: "false"})
    out.to_csv(path, index=False, float_format="%.2f", lineterminator="\n", encoding="utf-8")


def _arrow(series: pd.Series) -> pa.Array:
    """One column as Arrow, built from its values (no pandas metadata in the file)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        values = series.dt.tz_convert(None).to_numpy()
        return pa.array(values, type=pa.timestamp("us", tz="UTC"), from_pandas=True)
    return pa.array(series.array)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet without pandas metadata or index, fixed compression: same data, same bytes."""
    table = pa.table({name: _arrow(frame[name]) for name in frame.columns})
    pq.write_table(table, path, compression="zstd", compression_level=3, row_group_size=1 << 20)


def write_snapshot(snapshot: Snapshot, out_dir: Path, fmt: Format = "parquet") -> list[Path]:
    """Write accounts, orders, commissions and labels into ``out_dir`` (replaced atomically)."""
    if fmt not in ("csv", "parquet"):
        raise SimulationError(f"unknown format {fmt!r}: use csv or parquet")
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise SimulationError(f"{out_dir} already exists and is not an empty directory")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        names = []
        for name, frame in _tables(snapshot).items():
            path = staging / f"{name}.{fmt}"
            (_write_csv if fmt == "csv" else _write_parquet)(frame, path)
            names.append(path.name)
        staging.chmod(0o755)  # mkdtemp makes it private; a snapshot is an ordinary directory
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / name for name in names]

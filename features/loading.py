"""Reading a snapshot directory into canonical DataFrames, exactly as DATA_CONTRACT.md says.

Every table is read as text (CSV) or as stored (Parquet) and converted column by column; ids are
never parsed as numbers. ``load_snapshot`` refuses files it cannot convert; the full set of
contract checks (references, sponsor cycles, ranges) lives in ``features.validation``.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from features.contract import ACCOUNTS, COMMISSIONS, LABELS, ORDERS, TABLES, TableSpec
from features.errors import DataContractError
from features.snapshot import Snapshot
from features.utc import utc_iso
from features.validation_columns import CONVERTERS, cell_checks, default_column
from features.validation_report import Problem, TableFile, ValidationReport

FORMATS = ("parquet", "csv")  # the first one present wins


@dataclass
class ParsedSnapshot:
    """A snapshot read as far as possible, with the problems found while converting it."""

    path: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, TableFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    complete: set[str] = field(default_factory=set)  # read with every required column

    def snapshot(self) -> Snapshot:
        """The canonical snapshot (only meaningful when the required tables were read)."""
        commissions = self.tables.get("commissions")
        if commissions is None:
            commissions = empty_table(COMMISSIONS)
        return Snapshot(
            accounts=self.tables["accounts"],
            orders=self.tables["orders"],
            commissions=commissions,
            labels=self.tables.get("labels"),
            files={name: Path(source.path) for name, source in self.sources.items()},
        )


def find_table_file(directory: Path, table: str) -> TableFile | None:
    """The file holding ``table``: ``NAME.parquet`` wins over ``NAME.csv``."""
    for file_format in FORMATS:
        candidate = directory / f"{table}.{file_format}"
        if candidate.is_file():
            return TableFile(table, str(candidate), file_format)  # type: ignore[arg-type]
    return None


def _csv_header(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def read_raw_table(source: TableFile, spec: TableSpec) -> pd.DataFrame:
    """The contract's columns present in the file: CSV cells as text, Parquet as stored."""
    wanted = {c.name for c in spec.columns}
    if source.file_format == "parquet":
        present = [n for n in pq.read_schema(source.path).names if n in wanted]
        return pq.read_table(source.path, columns=present).to_pandas()
    header = _csv_header(source.path)
    if not header:
        raise ValueError("the file is empty (no header row)")
    convert = pa_csv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        include_columns=[n for n in header if n in wanted],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
    )
    return pa_csv.read_csv(source.path, convert_options=convert).to_pandas()


def _missing_column(source: TableFile, column: str) -> Problem:
    return Problem(
        kind="missing_column",
        severity="error",
        file=source.file_name,
        column=column,
        description=f"required column {column!r} is missing from the header",
    )


def convert_table(
    raw: pd.DataFrame, spec: TableSpec, source: TableFile
) -> tuple[pd.DataFrame, list[Problem], bool]:
    """(canonical frame with every contract column, problems, whether required columns exist)."""
    raw = raw.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    complete = True
    for column in spec.columns:
        if column.name in raw.columns:
            safe, refused = cell_checks(column, source, raw[column.name])
            columns[column.name], found = CONVERTERS[column.kind](column, source, safe)
            problems += refused + found
            continue
        if column.required:
            problems.append(_missing_column(source, column.name))
            complete = False
        columns[column.name] = default_column(column, raw.index)
    return pd.DataFrame(columns, index=raw.index), problems, complete


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with no rows and every contract column in its canonical dtype."""
    index = pd.RangeIndex(0)
    return pd.DataFrame({c.name: default_column(c, index) for c in spec.columns}, index=index)


def _parse_table(parsed: ParsedSnapshot, directory: Path, spec: TableSpec) -> None:
    source = find_table_file(directory, spec.name)
    if source is None:
        if spec.required:
            parsed.problems.append(
                Problem(
                    kind="missing_file",
                    severity="error",
                    file=f"{spec.name}.parquet or {spec.name}.csv",
                    column=None,
                    description=f"the required table {spec.name!r} is missing",
                )
            )
        return
    try:
        raw = read_raw_table(source, spec)
    except (OSError, ValueError, pa.ArrowException, UnicodeDecodeError, csv.Error) as error:
        parsed.problems.append(
            Problem("unreadable_file", "error", source.file_name, None, f"cannot read: {error}")
        )
        return
    table, problems, complete = convert_table(raw, spec, source)
    parsed.tables[spec.name] = table
    parsed.sources[spec.name] = source
    parsed.problems += problems
    if complete:
        parsed.complete.add(spec.name)


def parse_snapshot(path: Path) -> ParsedSnapshot:
    """Read and convert every table of the snapshot directory, collecting problems."""
    directory = Path(path)
    parsed = ParsedSnapshot(path=str(directory))
    if not directory.is_dir():
        parsed.problems.append(
            Problem(
                "missing_directory", "error", str(directory), None, "no such snapshot directory"
            )
        )
        return parsed
    for spec in TABLES:
        _parse_table(parsed, directory, spec)
    return parsed


def load_snapshot(path: Path) -> Snapshot:
    """Load a snapshot directory; raise DataContractError if a table is missing or unconvertible.

    This does not check references or the sponsor forest: use
    ``features.validation.read_valid_snapshot`` for input you have not validated.
    """
    parsed = parse_snapshot(path)
    report = ValidationReport(parsed.path, parsed.problems)
    if not report.ok:
        raise DataContractError(report.render())
    return parsed.snapshot()


def snapshot_from_frames(
    accounts: pd.DataFrame,
    orders: pd.DataFrame,
    commissions: pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
) -> Snapshot:
    """Canonicalize in-memory tables (e.g. built by a test) the same way files are loaded."""
    frames = {"accounts": accounts, "orders": orders, "commissions": commissions, "labels": labels}
    parsed = ParsedSnapshot(path="<memory>")
    for spec in (ACCOUNTS, ORDERS, COMMISSIONS, LABELS):
        frame = frames[spec.name]
        if frame is None:
            continue
        source = TableFile(spec.name, f"<{spec.name}>", "parquet")
        table, problems, _ = convert_table(frame, spec, source)
        parsed.tables[spec.name] = table
        parsed.problems += problems
    report = ValidationReport(parsed.path, parsed.problems)
    if not report.ok:
        raise DataContractError(report.render())
    snapshot = parsed.snapshot()
    return snapshot


def _hash_file(digest: hashlib._Hash, path: Path) -> None:
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)


def _hash_frame(digest: hashlib._Hash, frame: pd.DataFrame) -> None:
    # Column names, dtypes and pandas' fixed-key row hashes: stable for equal content.
    digest.update(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())


def snapshot_fingerprint(snapshot: Snapshot, as_of: pd.Timestamp) -> str:
    """SHA-256 of the snapshot's files (fixed table order) and ``as_of``; frames if in memory."""
    digest = hashlib.sha256()
    for spec in TABLES:
        digest.update(f"\0table:{spec.name}\0".encode())
        frame = getattr(snapshot, spec.name)
        if spec.name in snapshot.files:
            digest.update(Path(snapshot.files[spec.name]).suffix.encode())
            _hash_file(digest, Path(snapshot.files[spec.name]))
        elif frame is not None and len(frame):
            _hash_frame(digest, frame[[c.name for c in spec.columns]])
    digest.update(f"\0as_of:{utc_iso(as_of)}".encode())
    return digest.hexdigest()

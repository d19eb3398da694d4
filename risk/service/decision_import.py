"""``risk decisions import FILE``: a platform's past decisions (from spreadsheets or another
tool), validated like a snapshot (file, row and column named; all or nothing), each tied to the
published run that scored the account, and audited.

The run a decision was made on is the newest published run of the account whose ``as_of`` is at
or before ``decided_at``: the scores the moderator could have seen then (point in time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from features.contract import ColumnSpec, TableSpec
from features.errors import DataContractError
from features.loading import convert_table, read_raw_table
from features.validation_report import Problem, TableFile, ValidationReport, rows_problem
from risk.store import decision_import as store
from risk.store.decisions import MAX_NOTE_CHARS
from risk.vocab import DECISIONS

DECISIONS_FILE = TableSpec(
    name="decisions",
    required=True,
    columns=(
        ColumnSpec("account_id", "id", True),
        ColumnSpec("decision", "text", True),
        ColumnSpec("reviewer", "id", True),
        ColumnSpec("note", "text", False, ""),
        ColumnSpec("decided_at", "timestamp", True),
    ),
)


@dataclass(frozen=True)
class DecisionImport:
    """What an import did (or, dry, would do)."""

    file: str
    sha256: str
    rows: int
    accounts: int
    runs: int  # distinct published runs the decisions were made on
    by_decision: dict[str, int]
    added: int
    skipped: int  # rows already in the store (the same decision imported before)
    import_id: int | None  # None on a dry run


def _source(path: Path) -> TableFile:
    """The file as a table source; refuse anything but an existing .csv or .parquet."""
    file_format = path.suffix.lstrip(".").lower()
    if file_format not in ("csv", "parquet") or not path.is_file():
        raise DataContractError(f"{path}: decisions must be an existing .csv or .parquet file")
    return TableFile("decisions", str(path), file_format)  # type: ignore[arg-type]


def read_decisions_file(path: Path) -> pd.DataFrame:
    """The file's decisions in canonical dtypes; every problem named (file, rows, column)."""
    source = _source(path)
    try:
        raw = read_raw_table(source, DECISIONS_FILE)
        table, problems, complete = convert_table(raw, DECISIONS_FILE, source)
    except (OSError, ValueError) as error:
        raise DataContractError(f"{path}: cannot read decisions: {error}") from error
    if complete:
        problems += _value_problems(table, source)
    if complete and table.empty:
        problems.append(_problem(source, "no_rows", None, "the file holds no decisions"))
    _raise_on(path, problems)
    return table


def _problem(source: TableFile, kind: str, column: str | None, description: str) -> Problem:
    return Problem(
        kind=kind, severity="error", file=source.file_name, column=column, description=description
    )


def _value_problems(table: pd.DataFrame, source: TableFile) -> list[Problem]:
    """Unknown decisions, over-long notes, decisions in the future, rows given twice."""
    decision = table["decision"].str.strip()
    unknown = ~decision.isin(list(DECISIONS)) & (decision != "")
    long_note = (table["note"].str.len() > MAX_NOTE_CHARS).to_numpy()
    future = (table["decided_at"] > pd.Timestamp.now(tz="UTC")).fillna(False).to_numpy(dtype=bool)
    twice = table.duplicated(keep=False).to_numpy()
    return [
        *rows_problem(
            "bad_decision",
            source,
            "decision",
            unknown.to_numpy(),
            table["decision"],
            f"decision must be one of {', '.join(DECISIONS)}",
        ),
        *rows_problem(
            "note_too_long",
            source,
            "note",
            long_note,
            table["note"].str.len(),
            f"note longer than {MAX_NOTE_CHARS} characters",
        ),
        *rows_problem(
            "future_time", source, "decided_at", future, table["decided_at"], "in the future"
        ),
        *rows_problem(
            "duplicate_row", source, None, twice, table, "the same decision is given twice"
        ),
    ]


def _raise_on(path: Path, problems: list[Problem]) -> None:
    report = ValidationReport(str(path), problems)
    if not report.ok:
        raise DataContractError(report.render())


def tie_to_runs(table: pd.DataFrame, scores: pd.DataFrame, source: TableFile) -> pd.DataFrame:
    """Each decision with the run it was made on (newest published ``as_of`` <= decided_at),
    the score and band it saw; rows no published run scored are refused by row."""
    left = table.assign(row=np.arange(len(table)), created_at=table["decided_at"])
    right = scores.assign(
        as_of=pd.to_datetime(scores["as_of"], utc=True).astype(left["decided_at"].dtype)
    )
    tied = pd.merge_asof(
        left.sort_values("decided_at"),
        right.sort_values("as_of"),
        left_on="decided_at",
        right_on="as_of",
        by="account_id",
        direction="backward",
    ).sort_values("row")
    unscored = tied["run_id"].isna().to_numpy()
    _raise_on(
        Path(source.path),
        rows_problem(
            "not_scored",
            source,
            "account_id",
            unscored,
            tied[["account_id", "decided_at"]],
            "no published scoring run scored this account as of decided_at or earlier",
        ),
    )
    return tied.reset_index(drop=True)


def import_decisions_file(
    *, engine: Engine, path: Path, imported_by: str, dry_run: bool = False
) -> DecisionImport:
    """Validate the file, tie each decision to its run, then write all of it or nothing."""
    table = read_decisions_file(path)
    table["decision"] = table["decision"].str.strip()
    scores = store.published_scores_of(engine, table["account_id"].tolist())
    tied = tie_to_runs(table, scores, _source(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    outcome = None
    if not dry_run:
        outcome = store.import_decisions(
            engine, tied, file_name=path.name, sha256=digest, imported_by=imported_by
        )
    return DecisionImport(
        file=str(path),
        sha256=digest,
        rows=len(tied),
        accounts=int(tied["account_id"].nunique()),
        runs=int(tied["run_id"].nunique()),
        by_decision={d: int((tied["decision"] == d).sum()) for d in DECISIONS},
        added=0 if outcome is None else outcome.added,
        skipped=0 if outcome is None else outcome.skipped,
        import_id=None if outcome is None else outcome.import_id,
    )

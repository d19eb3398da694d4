"""The validation report: problems grouped by kind, each with file, rows and offending values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

Severity = Literal["error", "warning"]
SHOWN = 5  # offending rows shown per problem kind; the total count is always given


@dataclass(frozen=True)
class TableFile:
    """Where a table was read from, and how a person numbers its rows."""

    table: str
    path: str
    file_format: Literal["csv", "parquet"]

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def first_row_number(self) -> int:
        # CSV: the line a text editor shows (header = line 1); Parquet: data rows counted from 1.
        return 2 if self.file_format == "csv" else 1

    @property
    def row_word(self) -> str:
        return "line" if self.file_format == "csv" else "row"

    @property
    def convention(self) -> str:
        if self.file_format == "csv":
            return "CSV line numbers, header is line 1"
        return "Parquet data rows numbered from 1"


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one file: the first few rows plus the total."""

    kind: str
    severity: Severity
    file: str
    column: str | None
    description: str
    count: int = 1
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    row_word: str = "line"
    convention: str = ""

    def render(self) -> str:
        """One human-readable paragraph."""
        where = self.file + (f", column {self.column}" if self.column else "")
        head = f"{self.severity.upper()} [{self.kind}] {where}: {self.description}"
        if not self.rows:
            return head
        noun = "row" if self.count == 1 else "rows"
        shown = f", first {len(self.rows)} shown" if len(self.rows) < self.count else ""
        lines = [f"{head} ({self.count} {noun}{shown}; {self.convention})"]
        for row, value in zip(self.rows, self.values, strict=False):
            lines.append(f"    {self.row_word} {row}: {value!r}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "file": self.file,
            "column": self.column,
            "description": self.description,
            "count": self.count,
            "rows": list(self.rows),
            "values": list(self.values),
            "row_numbering": self.convention,
        }


def rows_problem(
    kind: str,
    source: TableFile,
    column: str | None,
    mask: np.ndarray,
    values: pd.Series | pd.DataFrame,
    description: str,
    severity: Severity = "error",
) -> list[Problem]:
    """A problem for the rows where ``mask`` is true (none if the mask is all false)."""
    count = int(np.count_nonzero(mask))
    if count == 0:
        return []
    positions = np.flatnonzero(mask)[:SHOWN]
    shown = _shown_values(values, positions)
    return [
        Problem(
            kind=kind,
            severity=severity,
            file=source.file_name,
            column=column,
            description=description,
            count=count,
            rows=tuple(int(p) + source.first_row_number for p in positions),
            values=shown,
            row_word=source.row_word,
            convention=source.convention,
        )
    ]


def _cell(value: object) -> str:
    if isinstance(value, float) and np.isfinite(value):
        return np.format_float_positional(value, trim="-")  # 10.0 -> "10", as typed
    return "" if pd.isna(value) else str(value)


def _shown_values(values: pd.Series | pd.DataFrame, positions: np.ndarray) -> tuple[str, ...]:
    """The offending cells; for a frame, each row as ``column=value`` pairs."""
    shown = values.iloc[positions]
    if isinstance(shown, pd.Series):
        return tuple(_cell(v) for v in shown)
    return tuple(
        ", ".join(f"{column}={_cell(value)}" for column, value in row.items())
        for _, row in shown.iterrows()
    )


@dataclass
class ValidationReport:
    """Everything wrong with a snapshot directory; ``ok`` when there is no error."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        """Human text: a summary line, then errors, then warnings."""
        summary = (
            f"snapshot {self.path}: {len(self.errors)} error kind(s), "
            f"{len(self.warnings)} warning kind(s)"
        )
        if self.ok and not self.warnings:
            summary = f"snapshot {self.path}: valid, no problems found"
        return "\n".join([summary, *(p.render() for p in self.errors + self.warnings)])

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }

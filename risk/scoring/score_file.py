"""The score table file of DATA_CONTRACT.md ("Scores"), streamed chunk by chunk in rank order.

Written under a temporary name beside the target and renamed only once the run is published,
so a reader of ``--out`` never sees a partial file. JSON columns are JSON text (UTF-8,
Chinese unescaped); ``as_of`` is a UTC timestamp in Parquet and ISO 8601 text in CSV. The run
stores reasons and indicators as data; the file keeps the contract's English ``text`` of each,
worded here as the file is written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from models.explain_text import stored_reason_text
from risk.indicators.wording import indicator_text
from risk.jsontext import json_column
from risk.scoring.table import empty_run_table

SCORE_TABLE_COLUMNS: tuple[str, ...] = (
    "account_id",
    "network_id",
    "score",
    "band",
    "rank",
    "reasons",
    "indicators",
    "model_version",
    "as_of",
)


def json_text(value: Any) -> str | None:
    """JSON text of a list or dict (orjson: the file holds a document per account, and the
    standard library's encoder was a third of the write stage); None stays missing, a NaN
    inside is null."""
    return json_column(value)


def contract_reasons(reasons: Any) -> list[dict[str, Any]] | None:
    """A run's reasons of one account as the contract's ``{feature, value, contribution,
    text}``, worded in English; missing (band low) stays missing."""
    if not isinstance(reasons, list | np.ndarray):
        return None
    return [
        {
            "feature": reason["feature"],
            "value": reason.get("value"),
            "contribution": reason.get("contribution"),
            "text": stored_reason_text(reason, "en"),
        }
        for reason in reasons
    ]


def contract_indicators(indicators: Any) -> list[dict[str, Any]] | None:
    """A run's indicators of one account as the contract's ``{rule_id, jurisdiction,
    citation, text, evidence}``, worded in English."""
    if not isinstance(indicators, list | np.ndarray):
        return None
    return [
        {
            "rule_id": item["rule_id"],
            "jurisdiction": item["jurisdiction"],
            "citation": item["citation"],
            "text": indicator_text(item, "en"),
            "evidence": item["evidence"],
        }
        for item in indicators
    ]


def score_table_batch(
    chunk: pd.DataFrame, model_version: str, as_of: pd.Timestamp, *, csv: bool
) -> pa.Table:
    """Rows of the run table (index account_id) as the contract's score table, in Arrow."""
    n = len(chunk)
    as_of_column = (
        pa.array([as_of.isoformat()] * n, pa.string())
        if csv
        else pa.array([as_of.to_pydatetime()] * n, pa.timestamp("us", tz="UTC"))
    )
    columns = {
        "account_id": pa.array(chunk.index.astype(str).to_numpy(dtype=object), pa.string()),
        "network_id": pa.array(chunk["network_id"].astype(str).to_numpy(dtype=object), pa.string()),
        "score": pa.array(chunk["score"].to_numpy(dtype="float64")),
        "band": pa.array(chunk["band"].astype(str).to_numpy(dtype=object), pa.string()),
        "rank": pa.array(chunk["rank"].to_numpy(dtype="int64")),
        "reasons": pa.array(
            [json_text(contract_reasons(v)) for v in chunk["reasons"]], pa.string()
        ),
        "indicators": pa.array(
            [json_text(contract_indicators(v)) for v in chunk["indicators"]], pa.string()
        ),
        "model_version": pa.array([model_version] * n, pa.string()),
        "as_of": as_of_column,
    }
    return pa.table(columns)


def current_umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class ScoreTableWriter:
    """Streams score-table chunks to a temporary file; ``commit`` renames it to ``out``."""

    def __init__(self, out: Path, model_version: str, as_of: pd.Timestamp) -> None:
        if out.suffix.lower() not in (".csv", ".parquet"):
            raise ValueError(f"the score table must be .csv or .parquet, not {out.name}")
        self.out, self.model_version, self.as_of = out, model_version, as_of
        self.csv = out.suffix.lower() == ".csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        os.close(handle)
        # mkstemp makes the file private (0600); the score file is an ordinary output file
        os.chmod(name, 0o666 & ~current_umask())
        self.temp = Path(name)
        self._writer: Any = None

    def write(self, chunk: pd.DataFrame) -> None:
        """Append rows (the caller passes them in rank order)."""
        batch = score_table_batch(chunk, self.model_version, self.as_of, csv=self.csv)
        if self._writer is None:
            self._writer = self._open(batch.schema)
        self._writer.write_table(batch)

    def _open(self, schema: pa.Schema) -> Any:
        """The Arrow writer of the temporary file."""
        if self.csv:
            return pa_csv.CSVWriter(str(self.temp), schema)
        return pq.ParquetWriter(str(self.temp), schema)

    def close(self) -> None:
        """Finish the temporary file (a table with no rows still gets its header)."""
        if self._writer is None:
            empty = empty_run_table()
            self.write(empty)
        self._writer.close()

    def commit(self) -> Path:
        """Make the file visible under its final name (after the run is published)."""
        os.replace(self.temp, self.out)
        # a run killed outright (SIGKILL) could not remove its temporary file: sweep those now
        for leftover in self.out.parent.glob(f".{self.out.name}.*.tmp"):
            leftover.unlink(missing_ok=True)
        return self.out

    def discard(self) -> None:
        """Drop the temporary file (the run failed)."""
        if self._writer is not None:
            with contextlib.suppress(Exception):  # already failing; the file goes anyway
                self._writer.close()
        self.temp.unlink(missing_ok=True)

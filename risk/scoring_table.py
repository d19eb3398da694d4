"""Pure table steps of a scoring run: ranks, percentiles, counts, per-account JSON, the file."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BANDS: tuple[str, ...] = ("low", "medium", "high", "critical")
EXPLAINED_BANDS: tuple[str, ...] = ("medium", "high", "critical")  # reasons stored in the run
FLAGGED_BANDS: tuple[str, ...] = ("high", "critical")  # a network with one of these is flagged
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


def rank_accounts(scores: pd.Series) -> pd.Series:
    """Rank 1 = riskiest; equal scores are ordered by account id so reruns agree."""
    order = np.lexsort((scores.index.to_numpy(dtype=str), -scores.to_numpy(dtype="float64")))
    ranks = np.empty(len(scores), dtype="int64")
    ranks[order] = np.arange(1, len(scores) + 1)
    return pd.Series(ranks, index=scores.index, name="rank")


def population_percentiles(features: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Percentile 0-100 of each account within this run's population, one column per feature."""
    present = [c for c in columns if c in features.columns]
    numeric = features[present].apply(pd.to_numeric, errors="coerce")
    return (numeric.rank(pct=True, method="max") * 100).round(1)


def band_counts(bands: pd.Series) -> dict[str, int]:
    """Accounts per band, every band listed (zero included)."""
    counts = bands.value_counts()
    return {band: int(counts.get(band, 0)) for band in BANDS}


def networks_flagged(network_ids: pd.Series, bands: pd.Series) -> int:
    """Networks with at least one account at band high or above."""
    return int(network_ids[bands.isin(FLAGGED_BANDS)].nunique())


def indicator_counts(indicators: pd.Series) -> dict[str, int]:
    """Accounts on which each legal indicator fired, by rule id."""
    rule_ids = indicators.explode().dropna().map(lambda item: item["rule_id"])
    return {str(rule): int(n) for rule, n in rule_ids.value_counts().sort_index().items()}


def _json_text(value: object) -> str | None:
    """JSON text of a list (UTF-8, Chinese unescaped); None stays missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def score_table(
    table: pd.DataFrame, reasons: Mapping[str, list[dict[str, Any]]], model_version: str
) -> pd.DataFrame:
    """The score table of DATA_CONTRACT.md, sorted by rank (JSON columns as JSON text)."""
    ordered = table.sort_values("rank")
    account_ids = ordered.index.to_series()
    return pd.DataFrame(
        {
            "account_id": account_ids.to_numpy(),
            "network_id": ordered["network_id"].to_numpy(),
            "score": ordered["score"].to_numpy(dtype="float64"),
            "band": ordered["band"].to_numpy(),
            "rank": ordered["rank"].to_numpy(dtype="int64"),
            "reasons": account_ids.map(lambda a: _json_text(reasons.get(a))).to_numpy(),
            "indicators": ordered["indicators"].map(_json_text).to_numpy(),
            "model_version": model_version,
            "as_of": ordered["as_of"].to_numpy(),
        },
        columns=list(SCORE_TABLE_COLUMNS),
    )


def write_table_to_temp(table: pd.DataFrame, out: Path) -> Path:
    """Write the table next to ``out`` under a temporary name (CSV or Parquet by suffix)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    temp = Path(name)
    if out.suffix.lower() == ".parquet":
        table.to_parquet(temp, index=False)
    else:
        csv = table.assign(as_of=table["as_of"].map(lambda t: t.isoformat()))
        csv.to_csv(temp, index=False, encoding="utf-8")
    return temp


def check_out_suffix(out: Path) -> None:
    """Only .csv and .parquet files are written (refused before any work starts)."""
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise ValueError(f"--out must end in .csv or .parquet, got {out.name}")

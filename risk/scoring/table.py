"""Pure table steps of a scoring run: ranks, population percentiles, counts."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from risk.vocab import BAND_NAMES, FLAGGED_BANDS


def rank_accounts(scores: pd.Series) -> pd.Series:
    """Rank 1 = riskiest; equal scores are ordered by account id so reruns agree."""
    order = np.lexsort((scores.index.to_numpy(dtype=str), -scores.to_numpy(dtype="float64")))
    ranks = np.empty(len(scores), dtype="int64")
    ranks[order] = np.arange(1, len(scores) + 1)
    return pd.Series(ranks, index=scores.index, name="rank")


def _column_percentiles(values: np.ndarray) -> np.ndarray:
    """Share of the population at or below each value, 0-100 (NaN stays NaN)."""
    present = ~np.isnan(values)
    ordered = np.sort(values[present])
    counts = np.searchsorted(ordered, values, side="right").astype("float64")
    percentiles = np.round(counts / max(len(ordered), 1) * 100, 1)
    return np.where(present, percentiles, np.nan)


def population_percentiles(features: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Percentile 0-100 of each account within this run's population, one column per feature."""
    present = [c for c in columns if c in features.columns]
    numeric = {c: pd.to_numeric(features[c], errors="coerce").to_numpy("float64") for c in present}
    # numpy's sort releases the GIL: one thread per core over the columns
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        ranked = dict(zip(present, pool.map(_column_percentiles, numeric.values()), strict=True))
    return pd.DataFrame(ranked, index=features.index, columns=present)


def band_counts(bands: pd.Series) -> dict[str, int]:
    """Accounts per band, every band listed (zero included)."""
    counts = bands.value_counts()
    return {band: int(counts.get(band, 0)) for band in BAND_NAMES}


def networks_flagged(network_ids: pd.Series, bands: pd.Series) -> int:
    """Networks with at least one account at band high or above."""
    return int(network_ids[bands.isin(FLAGGED_BANDS)].nunique())


def indicator_counts(indicators: pd.Series) -> dict[str, int]:
    """Accounts on which each legal indicator fired, by rule id."""
    rule_ids = indicators.explode().dropna().map(lambda item: item["rule_id"])
    return {str(rule): int(n) for rule, n in rule_ids.value_counts().sort_index().items()}

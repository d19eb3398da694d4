"""The run table every engine returns, and the pure table steps of a run: ranks, percentiles,
counts."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from risk.store.records import SCORE_ROW_COLUMNS
from risk.vocab import BAND_NAMES, FLAGGED_BANDS

# The scored table of a run (index account_id): the store's score row, and the run's as_of
# (the score file carries it on every row).
RUN_TABLE_COLUMNS: tuple[str, ...] = (
    *(column for column in SCORE_ROW_COLUMNS if column != "account_id"),
    "as_of",
)
# What the store keeps per account: the run's as_of lives on its run record, not on each row.
STORED_COLUMNS: tuple[str, ...] = tuple(c for c in RUN_TABLE_COLUMNS if c != "as_of")


def run_table(
    *,
    network_id: pd.Series,
    region: pd.Series,
    tier: pd.Series,
    scores: pd.Series,
    bands: pd.Series,
    as_of: pd.Timestamp,
    roles: tuple[pd.Series, pd.Series],
    reasons: pd.Series,
    indicators: pd.Series,
    branch_id: pd.Series | None = None,
) -> pd.DataFrame:
    """The run table from per-account series (index account_id); ranks the scores and sums
    them per network and per branch (``group_scores``; no branch scores without ``branch_id``,
    the id of each account's top-level branch head)."""
    index = scores.index
    role, role_probability = roles
    network_ids = network_id.reindex(index).astype("str")
    if branch_id is None:
        branch_score = pd.Series(np.nan, index=index, dtype="float64")
    else:
        branch_score = group_scores(
            scores, network_ids + "\0" + branch_id.reindex(index).astype("str")
        )
    table = pd.DataFrame(
        {
            "network_id": network_ids,
            "region": region.reindex(index).fillna("").astype("str"),
            "tier": pd.to_numeric(tier).astype("int64"),
            "score": scores.astype("float64"),
            "band": bands.astype("str"),
            "rank": rank_accounts(scores),
            "as_of": as_of,
            "role": role.astype(object).where(role.notna(), None),
            "role_probability": role_probability.astype("float64"),
            "reasons": reasons.astype(object),
            "indicators": indicators.astype(object),
            "network_score": group_scores(scores, network_ids),
            "branch_score": branch_score,
        },
        index=index,
    )
    return table[list(RUN_TABLE_COLUMNS)]


# The fewest and the share of a group's members whose scores make its score.
GROUP_SCORE_MIN_MEMBERS = 3
GROUP_SCORE_TOP_SHARE = 0.10


def group_scores(scores: pd.Series, groups: pd.Series) -> pd.Series:
    """The score of each account's group (its network or its branch), on every member's row.

    A group's score is the mean of its top ``k`` member scores, ``k = max(3, ceil(10% of the
    members))`` (all of them in a group of 3 or fewer). A high quantile-style summary that
    holds at any platform size: one stray high score in a network of 30 counts for a third
    at most, so it does not make a network; a large scheme scores high through its riskiest
    tenth, however quiet its organizer; and a small group is judged on all its members. In
    [0, 1] like the scores. Vectorized: one sort, a rank within the group, one groupby mean.
    """
    if scores.empty:
        return pd.Series([], index=scores.index, dtype="float64")
    frame = pd.DataFrame(
        {
            "group": groups.reindex(scores.index).to_numpy(dtype=object),
            "score": scores.to_numpy(dtype="float64"),
        }
    )
    ordered = frame.sort_values(["group", "score"], ascending=[True, False], kind="stable")
    by_group = ordered.groupby("group", sort=False)["score"]
    place = by_group.cumcount().to_numpy()
    members = by_group.transform("size").to_numpy()
    top = np.maximum(GROUP_SCORE_MIN_MEMBERS, np.ceil(members * GROUP_SCORE_TOP_SHARE - 1e-9))
    means = ordered.loc[place < top].groupby("group", sort=False)["score"].mean()
    values = frame["group"].map(means).to_numpy(dtype="float64")
    return pd.Series(values, index=scores.index, dtype="float64")


def empty_run_table() -> pd.DataFrame:
    """A run table without rows (a score file of no accounts still gets its header)."""
    return pd.DataFrame(columns=list(RUN_TABLE_COLUMNS), index=pd.Index([], name="account_id"))


def rank_accounts(scores: pd.Series) -> pd.Series:
    """Rank 1 = riskiest; equal scores are ordered by account id so reruns agree."""
    order = np.lexsort((scores.index.to_numpy(dtype=str), -scores.to_numpy(dtype="float64")))
    ranks = np.empty(len(scores), dtype="int64")
    ranks[order] = np.arange(1, len(scores) + 1)
    return pd.Series(ranks, index=scores.index, name="rank")


def _column_percentiles(values: np.ndarray) -> np.ndarray:
    """Percentile rank 0-100 of each value, ties at their average rank (pandas' ``rank(pct=True,
    method="average")``): the 88% of accounts with no refunds read percentile 44.5, not 88 as
    "at or below" would put them, which reads as a high refund rate (NaN stays NaN)."""
    present = ~np.isnan(values)
    ordered = np.sort(values[present])
    below = np.searchsorted(ordered, values, side="left").astype("float64")
    at_or_below = np.searchsorted(ordered, values, side="right").astype("float64")
    average_rank = below + (at_or_below - below + 1) / 2
    percentiles = np.round(average_rank / max(len(ordered), 1) * 100, 1)
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

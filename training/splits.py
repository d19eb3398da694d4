"""Splits that cannot leak: whole networks on one side, and a check across time.

Networks are assigned to parts whole (no network on both sides), stratified by whether the
network holds any scheme account, in a seeded random order, sized by accounts. scikit-learn's
``StratifiedGroupKFold`` does the same job but loops in Python over groups x folds (about 30 s
for the ~45k networks of a 200k-account platform, where most networks are single shops), so
the assignment is done here with a few vectorized numpy operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from training.errors import TrainingDataError

PARTS = ("train", "stopping", "calibration", "test")
# Tenths of the accounts per part: 60 % train, 10 % early stopping, 10 % calibration, 20 % test.
PART_TENTHS = (6, 1, 1, 2)


@dataclass(frozen=True)
class OutOfTimeSplit:
    """Train on features as of ``train_as_of``; test on held-out accounts that joined later."""

    train_as_of: pd.Timestamp
    test_as_of: pd.Timestamp


def network_parts(network_id: pd.Series, label: pd.Series, seed: int) -> pd.Series:
    """Part name (``train``/``stopping``/``calibration``/``test``) per account, by whole network.

    Within each stratum (networks with and without scheme accounts), networks are shuffled with
    ``seed`` and cut by cumulative account count, so each part gets about its share of accounts
    of each kind while every network stays on one side.
    """
    networks = pd.DataFrame({"network_id": network_id.to_numpy(), "label": label.to_numpy()})
    per_network = networks.groupby("network_id", sort=True)["label"].agg(["size", "max"])
    if per_network["max"].nunique() < 2:
        raise TrainingDataError("labels need networks of both kinds (with and without schemes)")
    rng = np.random.default_rng(seed)
    per_network["order"] = rng.permutation(len(per_network))
    per_network = per_network.sort_values(["max", "order"])
    # centre of each network's account span within its stratum, as a share of the stratum
    stratum_total = per_network.groupby("max")["size"].transform("sum")
    end = per_network.groupby("max")["size"].cumsum()
    centre = (end - per_network["size"] / 2) / stratum_total
    cuts = np.cumsum(PART_TENTHS) / sum(PART_TENTHS)
    part_index = np.minimum(np.searchsorted(cuts, centre.to_numpy(), side="right"), len(PARTS) - 1)
    part_of_network = pd.Series(np.asarray(PARTS)[part_index], index=per_network.index)
    parts = part_of_network.reindex(network_id.to_numpy())
    return pd.Series(parts.to_numpy(), index=network_id.index, name="part")


def shared_networks(network_id: pd.Series, parts: pd.Series) -> list[str]:
    """Networks that appear in more than one part (empty for a leak-free split)."""
    spread = pd.DataFrame({"n": network_id, "p": parts}).groupby("n")["p"].nunique()
    return sorted(spread.index[spread > 1].astype(str))


def out_of_time_split(
    joined_at: pd.Series, as_of: pd.Timestamp, train_share: float
) -> OutOfTimeSplit:
    """Train as of the moment ``train_share`` of the accounts had joined; test as of ``as_of``."""
    if not 0.0 < train_share < 1.0:
        raise TrainingDataError(f"out-of-time train share must be in (0, 1), got {train_share}")
    joined = joined_at[joined_at <= as_of]
    if joined.empty:
        raise TrainingDataError(f"no account joined by {as_of}")
    train_as_of = joined.quantile(train_share)
    return OutOfTimeSplit(train_as_of=pd.Timestamp(train_as_of), test_as_of=pd.Timestamp(as_of))

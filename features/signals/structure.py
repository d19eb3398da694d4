"""Identity and structure signals: where the account sits in its tree and how big its tree is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.tables import PointInTime

# "Three or more tiers" (三级以上) is what the law names; counted with or without the organizer,
# three levels below the top meets it, so the model's depth inputs stop there (deeper is not
# guiltier). Two (three tiers with the organizer) lost more in distribution for no gain abroad.
LEGAL_TIER_CAP = 3


def ratio(numerator: np.ndarray, denominator: np.ndarray, when_zero: float = 0.0) -> np.ndarray:
    """numerator / denominator as float64, ``when_zero`` where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, when_zero, numerator / safe)


def count_by(positions: np.ndarray, size: int) -> np.ndarray:
    """How many times each account position occurs (int64)."""
    return np.bincount(positions, minlength=size).astype(np.int64)


def sum_by(positions: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Exact per-account sums of integer values (float sums of integers below 2**53)."""
    totals = np.bincount(positions, weights=values.astype(np.float64), minlength=size)
    return np.rint(totals).astype(np.int64)


def structure_signals(pit: PointInTime) -> pd.DataFrame:
    """network_id, activity, age, tier, recruits, downline and network size and depth, and the
    depths capped at ``LEGAL_TIER_CAP``."""
    forest, n = pit.forest, pit.size
    recruited = forest.parent[forest.parent >= 0]
    direct_recruits = count_by(recruited, n)
    downline_size = forest.subtree_size - 1
    downline_depth = forest.downline_depth()
    recruiters_in_subtree = forest.subtree_sum((direct_recruits > 0).astype(np.int64))
    return pd.DataFrame(
        {
            "network_id": pit.account_id.to_numpy()[forest.root],
            "is_active": (~pit.left).astype(np.int64),
            "account_age_days": pit.days_before_as_of(pit.joined_us),
            "tier": forest.tier,
            "direct_recruits": direct_recruits,
            "downline_size": downline_size,
            "downline_depth": downline_depth,
            "mean_downline_fanout": ratio(downline_size, recruiters_in_subtree),
            "network_size": forest.subtree_size[forest.root],
            "network_depth": downline_depth[forest.root],
            "tier_capped": np.minimum(forest.tier, LEGAL_TIER_CAP),
            "downline_depth_capped": np.minimum(downline_depth, LEGAL_TIER_CAP),
            "network_depth_capped": np.minimum(downline_depth[forest.root], LEGAL_TIER_CAP),
        }
    )

"""Churn in the downline: who left, and who left holding stock they never sold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import ratio
from features.signals.tables import PointInTime


def churn_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Share of the downline that left, and of those the share left with unsold stock."""
    left = pit.left.astype(np.int64)
    stuck = pit.left & (base["_units_bought"].to_numpy() > base["_units_sold"].to_numpy())
    downline_left = pit.forest.downline_sum(left)
    return pd.DataFrame(
        {
            "downline_churn_share": ratio(downline_left, base["downline_size"].to_numpy()),
            "downline_left_with_stock_share": ratio(
                pit.forest.downline_sum(stuck.astype(np.int64)), downline_left
            ),
        }
    )

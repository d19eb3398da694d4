"""Recruitment velocity: how fast the account and its downline bring in new agents (拉人头)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import count_by, ratio
from features.signals.tables import MICROS_PER_DAY, PointInTime


def _joined_within(pit: PointInTime, days: int) -> np.ndarray:
    """Accounts that joined in the ``days`` days up to and including as_of."""
    return pit.joined_us > pit.as_of_us - days * MICROS_PER_DAY


def _first_and_peak(pit: PointInTime, recruit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Join time of each sponsor's first recruit and its most recruits on one calendar day."""
    sponsor = pit.forest.parent[recruit]
    joined = pit.joined_us[recruit]
    first = np.full(pit.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, sponsor, joined)
    per_day = pd.DataFrame({"sponsor": sponsor, "day": joined // MICROS_PER_DAY}).value_counts()
    peak_by_sponsor = per_day.groupby(level="sponsor").max()
    peak = np.zeros(pit.size, dtype=np.int64)
    peak[peak_by_sponsor.index.to_numpy()] = peak_by_sponsor.to_numpy()
    return first, peak


def recruitment_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Recruits in the last 7/30/90 days, downline growth, time to first recruit, bursts."""
    forest, n = pit.forest, pit.size
    recruit = np.flatnonzero(forest.parent >= 0)
    windows = {}
    for days in (7, 30, 90):
        recent = _joined_within(pit, days)
        windows[days] = count_by(forest.parent[recruit[recent[recruit]]], n)
    downline_new = forest.downline_sum(_joined_within(pit, 90).astype(np.int64))
    earlier_downline = base["downline_size"].to_numpy() - downline_new
    first, peak = _first_and_peak(pit, recruit)
    has_recruit = base["direct_recruits"].to_numpy() > 0
    # No recruit yet: censored at the account's age (it has gone at least that long without one).
    wait_us = np.where(
        has_recruit, np.maximum(first - pit.joined_us, 0), pit.as_of_us - pit.joined_us
    )
    return pd.DataFrame(
        {
            "recruits_7d": windows[7],
            "recruits_30d": windows[30],
            "recruits_90d": windows[90],
            "recruitment_acceleration": windows[30] - (windows[90] - windows[30]) / 2.0,
            "peak_day_recruits": peak,
            "days_to_first_recruit": wait_us / MICROS_PER_DAY,
            "downline_recruits_90d": downline_new,
            "downline_growth_90d": ratio(downline_new, np.maximum(earlier_downline, 1)),
        }
    )

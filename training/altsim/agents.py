"""The agents' state during the simulation: one preallocated numpy column per attribute.

Rows are accounts in the order they joined. ``upline[i, k]`` is the account ``k + 1`` sponsor
links above ``i`` (-1 past the root), kept for ``plans.UPLINE`` levels so that a plan's payouts
to ten levels of upline are one fancy-indexing step; ``side[i, k]`` is which of that
ancestor's two legs ``i`` sits in (binary plans).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from training.altsim.plans import UPLINE

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


@dataclass
class Agents:
    network: Ints
    plan: Ints
    sponsor: Ints
    joined: Floats  # days since the start (fractional)
    left: Floats  # NaN while active
    active: Bools
    tier: Ints
    level: Ints  # declared level index (price discount, level name)
    upline: Ints  # (rows, UPLINE)
    side: Ints  # (rows, UPLINE) 0 / 1
    legs: Ints  # (rows, 2) direct recruits placed in each leg
    fee_paid: Floats  # entry fee paid in money (not as a package order)
    drive: Floats  # recruiting weight
    retail_rate: Floats  # genuine consumer orders per day
    pool_size: Ints  # distinct consumers it can reach
    pool_start: Ints  # first consumer number of its pool
    fake_rate: Floats
    self_use: Floats
    batch: Floats  # units it reorders
    used: Floats  # units it used or hoarded itself (never reached a consumer)
    stock: Floats  # units on hand (may dip below 0: back-ordered, reordered next day)
    last_batch: Floats
    last_purchase: Ints  # order row of its latest stock purchase (-1 none)
    next_quota: Ints  # day its next quota purchase is due
    direct: Ints  # direct recruits
    cash: Floats  # money in minus money out: what decides whether it quits
    leg_volume: Floats  # (rows, 2) binary leg volume not yet paired
    leg_join_volume: Floats  # (rows, 2) the part of it that came from joins
    matrix_fill: Ints  # (rows, 3) positions filled on each matrix level below it
    count: int = 0

    @classmethod
    def empty(cls, capacity: int) -> Agents:
        columns: dict[str, Any] = {
            f.name: _blank(f.name, capacity) for f in fields(cls) if f.name != "count"
        }
        return cls(**columns)

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more rows (doubling, so growth is amortised)."""
        needed = self.count + extra
        if needed <= len(self.network):
            return
        capacity = max(needed, 2 * len(self.network))
        for f in fields(self):
            if f.name == "count":
                continue
            old = getattr(self, f.name)
            new = _blank(f.name, capacity)
            new[: len(old)] = old
            setattr(self, f.name, new)

    def alive(self) -> Ints:
        """Row numbers of the agents still active."""
        return np.flatnonzero(self.active[: self.count])


def _blank(name: str, capacity: int) -> NDArray[np.generic]:
    if name in ("upline", "side"):
        return np.full((capacity, UPLINE), -1 if name == "upline" else 0, dtype=np.int64)
    if name in ("legs", "leg_volume", "leg_join_volume"):
        return np.zeros((capacity, 2), dtype=np.int64 if name == "legs" else np.float64)
    if name == "matrix_fill":
        return np.zeros((capacity, 3), dtype=np.int64)
    if name == "active":
        return np.zeros(capacity, dtype=bool)
    if name in ("joined", "left"):
        return np.full(capacity, np.nan)
    if name in ("network", "plan", "sponsor", "last_purchase"):
        return np.full(capacity, -1, dtype=np.int64)
    if name in ("tier", "level", "pool_size", "pool_start", "next_quota", "direct"):
        return np.zeros(capacity, dtype=np.int64)
    return np.zeros(capacity, dtype=np.float64)

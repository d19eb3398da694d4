"""Exploration: a share of the daily queue drawn where the model is least sure among accounts
no one has decided, so that decisions teach what the model does not know and give unbiased
precision per band.

The draw is systematic sampling with probability proportional to ``p (1 - p) + FLOOR`` (``p``
the account's score): a fixed number of picks, each with a known inclusion probability, highest
near p = 0.5 and never zero, so a Horvitz-Thompson estimate (each exploration decision weighted
by 1 / its inclusion probability) is unbiased for any band. The accounts the day's queue shows
in its first ``capacity - picks`` places are not candidates: they are decided anyway. Which
accounts those are is the queue's to say (its default order is not the score rank:
``risk.service.queue.day_picks`` passes them in), so the weight-1 stratum of the estimate is
exactly what moderators see first. A run's draw is made once, on first read, and stored
(``exploration_picks``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from risk.settings import Settings
from risk.store import exploration as store

# Every undecided account keeps a chance of being drawn (an unbiased estimate needs it); the
# most uncertain ones (p = 0.5: weight 0.26) are 26 times likelier than a sure one (p = 0 or 1).
FLOOR = 0.01


@dataclass(frozen=True)
class ExplorationPlan:
    """How many of the day's queue places exploration takes, and the draw's seed."""

    capacity: int  # the daily queue: accounts moderators decide a day
    share: float  # of it, drawn for exploration
    seed: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ExplorationPlan:
        return cls(settings.review_capacity, settings.exploration_share, settings.seed)

    @property
    def picks(self) -> int:
        """Accounts drawn per run: the share of the capacity, at least one when it is on."""
        return 0 if self.share <= 0 else max(1, round(self.capacity * self.share))

    @property
    def ordinary(self) -> int:
        """The queue's places its ordinary order fills: not candidates for the draw."""
        return max(0, self.capacity - self.picks)

    @property
    def gap(self) -> int:
        """Queue places between two picks: they sit at places gap, 2 gap, ... (1-based)."""
        return max(1, self.capacity // max(1, self.picks))


def inclusion_probabilities(weights: np.ndarray, n: int) -> np.ndarray:
    """Probabilities proportional to ``weights`` summing to ``n`` (at most 1 each: a unit that
    would exceed 1 is taken for sure and the rest share what is left)."""
    n = min(n, len(weights))
    pi = np.zeros(len(weights))
    sure = np.zeros(len(weights), dtype=bool)
    while n > 0:
        rest = ~sure
        pi[rest] = (n - sure.sum()) * weights[rest] / weights[rest].sum()
        over = rest & (pi >= 1.0)
        if not over.any():
            break
        sure |= over
        pi[sure] = 1.0
    return pi


def systematic_sample(pi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices drawn by systematic sampling in a random order: exactly round(sum(pi)) units,
    unit i with probability pi[i]."""
    order = rng.permutation(len(pi))
    cumulative = np.cumsum(pi[order])
    points = rng.uniform() + np.arange(round(float(cumulative[-1])) if len(pi) else 0)
    chosen = np.minimum(np.searchsorted(cumulative, points, side="right"), len(pi) - 1)
    return np.asarray(order[chosen])


def draw_exploration(
    undecided: pd.DataFrame, plan: ExplorationPlan, run_id: str, shown_first: Sequence[str]
) -> pd.DataFrame:
    """The run's picks (account_id, position, inclusion_probability) from its undecided
    accounts (account_id, score, rank) other than ``shown_first`` (the day's queue's first
    ``plan.ordinary`` accounts), reproducible from the run id and seed."""
    candidates = undecided[~undecided["account_id"].isin(list(shown_first))]
    candidates = candidates.sort_values(["rank", "account_id"])
    score = candidates["score"].to_numpy(dtype=float)
    pi = inclusion_probabilities(score * (1.0 - score) + FLOOR, plan.picks)
    digest = hashlib.sha256(f"{plan.seed}:{run_id}".encode()).digest()
    chosen = np.unique(systematic_sample(pi, np.random.default_rng(list(digest[:8]))))
    picks = candidates.iloc[chosen].assign(inclusion_probability=pi[chosen])
    picks = picks.sort_values("score", ascending=False, kind="stable")
    return picks.assign(position=np.arange(len(picks)))[list(store.PICK_COLUMNS)]


def run_picks(
    *,
    engine: Engine,
    run_id: str,
    plan: ExplorationPlan,
    shown_first: Callable[[int], Sequence[str]],
) -> pd.DataFrame:
    """The run's exploration picks with their latest decision, drawn and stored on first use;
    ``shown_first(n)`` gives the day's queue's first ``n`` accounts (only read to draw)."""
    picks = store.stored_picks(engine, run_id)
    if plan.picks == 0:  # exploration turned off: a stored draw is no longer shown
        return picks.iloc[0:0]
    if not picks.empty:
        return picks
    undecided = store.undecided_scores(engine, run_id)
    drawn = draw_exploration(undecided, plan, run_id, shown_first(plan.ordinary))
    store.save_picks(engine, run_id, drawn)
    return store.stored_picks(engine, run_id)

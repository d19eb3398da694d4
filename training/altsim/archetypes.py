"""Network archetypes: how big a network of each kind gets, how fast it recruits, which plan
it runs. The archetype only *generates*; whether its accounts are labelled as a scheme is
decided afterwards from what happened (``labels.py``), so a retail-minded plan whose members
end up living on pay-ins is labelled a scheme, and vice versa."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

Floats = NDArray[np.float64]
PlanColumns = dict[str, Floats | float]


@dataclass(frozen=True)
class Growth:
    """Ranges of the network's Hawkes recruitment process (uniform draws)."""

    fill_days: tuple[float, float]  # days the baseline alone would take to reach capacity
    branching: tuple[float, float]  # expected follow-on joins per join (self-excitation)
    decay_days: tuple[float, float]  # memory of the excitation kernel


@dataclass(frozen=True)
class Archetype:
    name: str
    scheme_minded: bool  # which side of the account budget it draws from (not its label)
    weight: float  # share of its side's budget
    capacity: Callable[[Generator, int], Floats]  # accounts the network can reach
    growth: Growth
    plan: Callable[[Generator, int, Floats], PlanColumns]  # (rng, rows, network price)
    drift_plan: Callable[[Generator, int, Floats], PlanColumns] | None = None


def uniform(rng: Generator, lo: float, hi: float, n: int) -> Floats:
    return rng.uniform(lo, hi, n)


def chance(rng: Generator, p: float, n: int) -> Floats:
    return (rng.random(n) < p).astype(np.float64)


def pareto_size(rng: Generator, n: int, minimum: float, shape: float, cap: float) -> Floats:
    """Heavy-tailed sizes: most networks small, a few huge (Lomax plus a floor)."""
    return np.minimum(minimum * (1.0 + rng.pareto(shape, n)), cap)


def lognormal_size(rng: Generator, n: int, median: float, sigma: float, cap: float) -> Floats:
    return np.clip(rng.lognormal(np.log(median), sigma, n), 2.0, cap)


def decaying_rates(rng: Generator, n: int, first: Floats, depth: NDArray[np.int64]) -> Floats:
    """(n, 10) upline rates: ``first`` at level 1, halving-ish below, zero past ``depth``."""
    ratio = uniform(rng, 0.4, 0.8, n)[:, None]
    levels = np.arange(10)[None, :]
    rates = first[:, None] * ratio**levels
    return np.where(levels < depth[:, None], rates, 0.0)


def kind_choice(rng: Generator, n: int, kinds: tuple[int, ...], p: tuple[float, ...]) -> Floats:
    return rng.choice(np.asarray(kinds, dtype=np.float64), size=n, p=np.asarray(p))

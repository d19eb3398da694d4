"""Drawing the platform's networks: how many of each archetype, how big, when born, how fast
they recruit (a Hawkes process), their price level and region, and the plans they run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from training.altsim.archetypes import Archetype
from training.altsim.archetypes_legit import DRIFTED, LEGIT_ARCHETYPES
from training.altsim.archetypes_scheme import SCHEME_ARCHETYPES
from training.altsim.config import AltSimConfig
from training.altsim.errors import AltSimError
from training.altsim.plans import PlanTable

ARCHETYPES: tuple[Archetype, ...] = (*SCHEME_ARCHETYPES, DRIFTED, *LEGIT_ARCHETYPES)
REGIONS = ("CN-GD", "CN-ZJ", "CN-JS", "CN-SD", "CN-HN", "CN-SC", "CN-FJ", "CN-HB", "CN-SH", "CN-BJ")
# Networks born late or growing slowly do not reach their capacity by the end; budgets are
# inflated so that the realised account count lands near the target.
FILL_ALLOWANCE = 1.55
MAX_NETWORK_SHARE = 0.06  # no network takes more than this share of the platform's accounts

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass
class Networks:
    archetype: Ints
    capacity: Floats
    base: Floats  # Hawkes baseline joins per day
    excite: Floats  # joins per day added by each recent join (decays)
    decay: Floats  # e-folding days of that excitation
    birth: Ints  # day the root joins
    price: Floats  # typical retail price of one unit
    region: Ints  # index into REGIONS
    plan: Ints  # the plan the root runs
    drift_day: Ints  # day a branch turns (-1: never)
    drift_plan: Ints  # the plan the branch turns to
    fake_start: Ints  # first consumer number of its staged buyer ids
    fake_size: Ints
    root: Ints  # filled in when born
    joins: Floats  # accounts joined so far
    excitation: Floats  # current sum of decayed joins
    peak: Floats  # highest daily intensity so far

    def __len__(self) -> int:
        return len(self.archetype)


def chosen_archetypes(config: AltSimConfig) -> list[int]:
    names = [a.name for a in ARCHETYPES]
    if config.families is None:
        return list(range(len(ARCHETYPES)))
    unknown = sorted(set(config.families) - set(names))
    if unknown:
        raise AltSimError(f"unknown families {unknown}; known: {', '.join(names)}")
    return [names.index(n) for n in config.families]


def _budgets(config: AltSimConfig, chosen: list[int]) -> dict[int, float]:
    """Accounts to aim for per archetype: the scheme share split by weight on each side."""
    budgets = {}
    for scheme_side, share in ((True, config.scheme_share), (False, 1 - config.scheme_share)):
        side = [i for i in chosen if ARCHETYPES[i].scheme_minded == scheme_side]
        total = sum(ARCHETYPES[i].weight for i in side)
        for i in side:
            budgets[i] = config.accounts * share * ARCHETYPES[i].weight / total * FILL_ALLOWANCE
    return budgets


def _capacities(archetype: Archetype, rng: Generator, budget: float, accounts: int) -> Floats:
    """Network sizes drawn until they add up to the budget (at least one network)."""
    sizes = np.round(archetype.capacity(rng, int(budget) + 1))
    sizes = np.clip(sizes, 1.0, max(30.0, accounts * MAX_NETWORK_SHARE))
    count = int(np.searchsorted(np.cumsum(sizes), budget)) + 1
    return sizes[: min(count, len(sizes))]


def draw_networks(config: AltSimConfig, rng: Generator, plans: PlanTable) -> Networks:
    """Every network of the world and the plans they run (appended to ``plans``)."""
    chosen = chosen_archetypes(config)
    parts: list[dict[str, NDArray[Any]]] = []
    budgets = _budgets(config, chosen)
    for index in chosen:
        archetype = ARCHETYPES[index]
        capacity = _capacities(archetype, rng, budgets[index], config.accounts)
        parts.append(_draw_kind(config, rng, plans, index, capacity))
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    count = len(columns["archetype"])
    plans.columns["network"][:] = _network_of_plan(plans, columns)
    fake_size = rng.integers(1, 7, count)
    return Networks(
        **columns,
        fake_start=np.cumsum(fake_size) - fake_size,
        fake_size=fake_size,
        root=np.full(count, -1),
        joins=np.zeros(count),
        excitation=np.zeros(count),
        peak=np.zeros(count),
    )


def _draw_kind(
    config: AltSimConfig,
    rng: Generator,
    plans: PlanTable,
    index: int,
    capacity: Floats,
) -> dict[str, NDArray[Any]]:
    archetype, n, span = ARCHETYPES[index], len(capacity), config.span_days
    growth = archetype.growth
    fill = rng.uniform(*growth.fill_days, n)
    branching = rng.uniform(*growth.branching, n)
    decay = rng.uniform(*growth.decay_days, n)
    birth = np.where(rng.random(n) < 0.15, 0, rng.integers(0, int(0.8 * span), n))
    price = np.clip(rng.lognormal(np.log(90.0), 0.8, n), 3.0, 3000.0)
    plan = plans.append(n, {**archetype.plan(rng, n, price), "family": index, "scope_start": birth})
    drift_day, drift_plan = np.full(n, -1), np.full(n, -1)
    if archetype.drift_plan is not None:
        drift_day = birth + (rng.uniform(0.25, 0.6, n) * (span - birth)).astype(np.int64)
        values = {**archetype.drift_plan(rng, n, price), "family": index, "scope_start": drift_day}
        drift_plan = plans.append(n, values)
    return {
        "archetype": np.full(n, index),
        "capacity": capacity,
        "base": capacity * (1 - branching) / fill,
        "excite": branching / decay,
        "decay": decay,
        "birth": birth.astype(np.int64),
        "price": np.round(price, 2),
        "region": rng.integers(0, len(REGIONS), n),
        "plan": plan,
        "drift_day": drift_day.astype(np.int64),
        "drift_plan": drift_plan,
    }


def _network_of_plan(plans: PlanTable, columns: dict[str, NDArray[Any]]) -> Floats:
    """Each plan's network number (main plans and turned-branch plans alike)."""
    network = np.full(len(plans), -1.0)
    ids = np.arange(len(columns["archetype"]))
    network[columns["plan"]] = ids
    turned = columns["drift_plan"] >= 0
    network[columns["drift_plan"][turned]] = ids[turned]
    return network

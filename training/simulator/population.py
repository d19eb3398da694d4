"""The simulated accounts as flat arrays: every family's networks in one forest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.simulator.config import SimulationConfig
from training.simulator.drift import grow_drifted
from training.simulator.families import DRIFTED, FAMILIES, INDEPENDENT, family_index
from training.simulator.forest import DAY, Block, depth_of, grow_block, leave_times

# stage numbers keep each stage's random stream independent of the others' draws
STAGE_STRUCTURE, STAGE_CHURN, STAGE_FEES = 1, 2, 3


@dataclass(frozen=True)
class Population:
    """Accounts as arrays indexed 0..n-1 (parent -1 = no sponsor; left -1 = still active)."""

    parent: np.ndarray
    network: np.ndarray  # global network number
    family: np.ndarray  # code of the network's family
    habit: np.ndarray  # code of the family whose habits the account follows
    label: np.ndarray  # int8
    joined: np.ndarray  # seconds since start
    left: np.ndarray
    depth: np.ndarray
    entry_fee: np.ndarray  # float64, whole currency units
    span: int

    def __len__(self) -> int:
        return len(self.parent)

    @property
    def active_end(self) -> np.ndarray:
        """When each account stops selling (the span's end if it never leaves)."""
        return np.where(self.left >= 0, self.left, self.span - 1)


def family_param(name: str) -> np.ndarray:
    """One Family field for every family, indexable by a family code array."""
    return np.array([getattr(family, name) for family in FAMILIES])


def level_rates(name: str) -> np.ndarray:
    """A per-level rate tuple for every family, padded with zeros: shape (families, levels)."""
    rates = [getattr(family, name) for family in FAMILIES]
    width = max(1, *(len(r) for r in rates))
    return np.array([list(r) + [0.0] * (width - len(r)) for r in rates], dtype=np.float64)


def account_budget(config: SimulationConfig) -> dict[str, int]:
    """Accounts per family (drifted counts its scheme branches; hosts come out of negatives)."""
    positives = round(config.accounts * config.positive_share)
    budget: dict[str, int] = {}
    for label, total in ((1, positives), (0, config.accounts - positives)):
        members = [f for f in FAMILIES if f.label == label]
        weight = sum(f.weight for f in members)
        for family in members:
            budget[family.name] = round(total * family.weight / weight)
    return budget


def _blocks(config: SimulationConfig) -> list[tuple[int, Block]]:
    """Grow every family's block; drifted hosts are taken from the legitimate budget."""
    budget = account_budget(config)
    span = config.span_seconds
    drifted_code = family_index(DRIFTED.name)
    rng = np.random.default_rng([config.seed, STAGE_STRUCTURE, drifted_code])
    drifted = grow_drifted(budget[DRIFTED.name], span, rng)
    hosts = int((drifted.label == 0).sum())
    negative_total = sum(budget[f.name] for f in FAMILIES if f.label == 0)
    grown: dict[int, Block] = {family_index(DRIFTED.name): drifted}
    for code, family in enumerate(FAMILIES):
        if family is DRIFTED or family is INDEPENDENT:
            continue
        accounts = budget[family.name]
        if family.label == 0:  # share the hosts' accounts out of every legitimate family
            accounts = round(accounts * max(0, negative_total - hosts) / negative_total)
        rng = np.random.default_rng([config.seed, STAGE_STRUCTURE, code])
        grown[code] = grow_block(family, code, accounts, span, rng)
    # independent shops (one account each) take up the rounding: the total is exact
    code = family_index(INDEPENDENT.name)
    shops = max(0, config.accounts - sum(len(block) for block in grown.values()))
    rng = np.random.default_rng([config.seed, STAGE_STRUCTURE, code])
    grown[code] = grow_block(INDEPENDENT, code, shops, span, rng)
    return sorted(grown.items())


def _entry_fees(
    parent: np.ndarray, network: np.ndarray, habit: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Entry fees: a price level per network, paid by the recruits the plan charges."""
    price_level = rng.lognormal(0.0, 0.4, int(network.max()) + 1)[network]
    pays = (rng.random(len(parent)) < family_param("fee_prob")[habit]) & (parent >= 0)
    fee = np.rint(family_param("fee_median")[habit] * price_level)
    return np.where(pays, fee, 0.0)


def build_population(config: SimulationConfig) -> Population:
    """All accounts of the platform: structure, join and leave times, fees, labels."""
    blocks = _blocks(config)
    sizes = np.array([len(block) for _, block in blocks])
    offsets = np.cumsum(sizes) - sizes
    net_counts = np.array([int(b.network.max()) + 1 if len(b) else 0 for _, b in blocks])
    net_offsets = np.cumsum(net_counts) - net_counts
    parent = np.concatenate(
        [
            np.where(b.parent >= 0, b.parent + off, -1)
            for (_, b), off in zip(blocks, offsets, strict=True)
        ]
    )
    network = np.concatenate(
        [b.network + off for (_, b), off in zip(blocks, net_offsets, strict=True)]
    )
    family = np.repeat(np.array([code for code, _ in blocks]), sizes)
    habit = np.concatenate([b.habit for _, b in blocks])
    joined = np.concatenate([b.joined for _, b in blocks])
    growth_end = np.concatenate([b.growth_end for _, b in blocks])
    span = config.span_seconds
    churn_rng = np.random.default_rng([config.seed, STAGE_CHURN])
    left = leave_times(
        family_param("churn_days")[habit].astype(np.float64),
        family_param("collapse_exit")[habit],
        parent,
        joined,
        growth_end,
        span,
        churn_rng,
    )
    fees = _entry_fees(parent, network, habit, np.random.default_rng([config.seed, STAGE_FEES]))
    return Population(
        parent=parent,
        network=network,
        family=family,
        habit=habit,
        label=np.concatenate([b.label for _, b in blocks]),
        joined=joined,
        left=left,
        depth=depth_of(parent),
        entry_fee=fees,
        span=span,
    )


def roles(population: Population) -> np.ndarray:
    """Role codes: 0 organizer, 1 recruiter, 2 participant, 3 legitimate (see contract.ROLES)."""
    parent = population.parent
    has_parent = parent >= 0
    direct = np.bincount(parent[has_parent], minlength=len(parent))
    parent_label = np.where(has_parent, population.label[np.maximum(parent, 0)], 0)
    organizer = (population.label == 1) & (~has_parent | (parent_label == 0))
    recruiter = (population.label == 1) & ~organizer & (direct >= 2)
    code = np.full(len(parent), 3, dtype=np.int64)
    code[population.label == 1] = 2
    code[recruiter] = 1
    code[organizer] = 0
    return code


def months(seconds: np.ndarray) -> np.ndarray:
    """Settlement month (30-day periods since start) of each timestamp."""
    return seconds // (30 * DAY)

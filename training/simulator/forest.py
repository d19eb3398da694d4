"""Sponsorship forests: who recruited whom and when, vectorized per family.

Network sizes are lognormal (heavy-tailed). The i-th account of a network is sponsored by
account ``floor(i * U**a)``: with ``a`` large most accounts hang off the root (总代 with many
direct agents); with ``a`` small the tree becomes a long chain, so depth ~ ln(size) / a and a few
large networks with small ``a`` reach tens of tiers. Accounts join in index order, so a sponsor
always joins before its recruits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.simulator.families import Family

DAY = 86_400


@dataclass(frozen=True)
class Block:
    """One family's networks; indices are local to the block (parent -1 = root)."""

    parent: np.ndarray  # int64
    network: np.ndarray  # int64, block-local network number
    joined: np.ndarray  # int64 seconds since the simulation start
    habit: np.ndarray  # int64 family code whose habits the account follows
    label: np.ndarray  # int8
    growth_end: np.ndarray  # int64 per account: when its network stopped recruiting

    def __len__(self) -> int:
        return len(self.parent)


def draw_sizes(family: Family, accounts: int, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed network sizes summing exactly to ``accounts``."""
    if accounts <= 0:
        return np.zeros(0, dtype=np.int64)
    cap = max(1, min(family.size_max, accounts // 3 or 1))
    expected = family.size_median * np.exp(family.size_sigma**2 / 2)
    draws = int(accounts / max(expected, 1.0) * 2) + 16
    sizes = np.rint(rng.lognormal(np.log(family.size_median), family.size_sigma, draws))
    sizes = np.clip(sizes, 1, cap).astype(np.int64)
    while sizes.sum() < accounts:  # rare: top up with more draws of the same law
        sizes = np.concatenate([sizes, sizes])
    cumulative = np.cumsum(sizes)
    count = int(np.searchsorted(cumulative, accounts)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= int(cumulative[count - 1] - accounts)
    return sizes[sizes > 0]


def local_index(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(network number, index inside the network) for every account of the block."""
    network = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    starts = np.cumsum(sizes) - sizes
    return network, np.arange(int(sizes.sum()), dtype=np.int64) - starts[network]


def depth_of(parent: np.ndarray) -> np.ndarray:
    """Tier of every account (root = 0) by walking all chains upward together."""
    depth = np.zeros(len(parent), dtype=np.int64)
    ancestor = parent.copy()
    alive = ancestor >= 0
    while alive.any():
        depth += alive
        ancestor[alive] = parent[ancestor[alive]]
        alive = ancestor >= 0
    return depth


def ancestor_at(parent: np.ndarray, nodes: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The ancestor ``steps`` links above each node (-1 past the root)."""
    current = nodes.copy()
    remaining = steps.copy()
    while True:
        moving = (remaining > 0) & (current >= 0)
        if not moving.any():
            return current
        current[moving] = parent[current[moving]]
        remaining[moving] -= 1


def attach(
    family: Family, sizes: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Block-local sponsor of every account and its network number, depth capped."""
    network, local = local_index(sizes)
    shallowness = rng.uniform(*family.shallowness, len(sizes))[network]
    parent_local = np.floor(local * rng.random(len(local)) ** shallowness).astype(np.int64)
    starts = (np.cumsum(sizes) - sizes)[network]
    parent = np.where(local == 0, -1, starts + np.minimum(parent_local, local - 1))
    depth = depth_of(parent)
    too_deep = depth > family.max_tier
    if too_deep.any():  # plans paying few levels: deeper recruits sit at the last tier
        nodes = np.flatnonzero(too_deep)
        steps = depth[nodes] - family.max_tier + 1
        parent[nodes] = ancestor_at(parent, nodes, steps)
    return parent, network


def join_times(
    family: Family,
    sizes: np.ndarray,
    network: np.ndarray,
    start: np.ndarray,
    span: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Join second of every account (increasing inside a network) and its network's growth end."""
    growth = rng.uniform(*family.growth_days, len(sizes)) * DAY
    growth = np.minimum(growth, span - DAY - start).astype(np.int64)
    position = rng.random(len(network))
    order = np.lexsort((position, network))
    position = position[order] ** (1.0 / family.growth_shape)
    _, local = local_index(sizes)
    position[local == 0] = 0.0  # the root opens the network
    joined = start[network] + (position * growth[network]).astype(np.int64) + local
    return np.minimum(joined, span - 1), (start + growth)[network]


def grow_block(
    family: Family, code: int, accounts: int, span: int, rng: np.random.Generator
) -> Block:
    """All networks of one family, sized to ``accounts`` in total."""
    sizes = draw_sizes(family, accounts, rng)
    parent, network = attach(family, sizes, rng)
    start = rng.uniform(0, 0.85 * span, len(sizes)).astype(np.int64)
    joined, growth_end = join_times(family, sizes, network, start, span, rng)
    habit = np.full(len(parent), code, dtype=np.int64)
    label = np.full(len(parent), family.label, dtype=np.int8)
    return Block(parent, network, joined, habit, label, growth_end)


def leave_times(
    churn_days: np.ndarray,
    collapse_exit: np.ndarray,
    parent: np.ndarray,
    joined: np.ndarray,
    growth_end: np.ndarray,
    span: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Second each account stops selling (-1 = still active at the end of the span)."""
    n = len(parent)
    left = joined + rng.exponential(churn_days / np.log(2) * DAY, n).astype(np.int64) + DAY
    # after a scheme stops recruiting, most of its bottom leaves within weeks (holding stock)
    collapses = (rng.random(n) < collapse_exit) & (parent >= 0)
    collapse_at = growth_end + rng.exponential(20 * DAY, n).astype(np.int64) + DAY
    left = np.where(collapses, np.minimum(left, np.maximum(collapse_at, joined + DAY)), left)
    # nobody leaves before its last recruit has joined
    last_recruit = np.full(n, -1, dtype=np.int64)
    has_parent = parent >= 0
    np.maximum.at(last_recruit, parent[has_parent], joined[has_parent])
    left = np.maximum(left, last_recruit + DAY)
    return np.where(left < span, left, -1)

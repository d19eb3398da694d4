"""Drifted networks: a legitimate affiliate network where one branch later becomes a scheme.

The host network grows with affiliate habits; at a drift time one of its early tier-1/2 accounts
(the branch head, who becomes the scheme's organizer) starts recruiting a grafted pyramid whose
accounts follow classic or disguised habits. Labels are per account: the host stays legitimate.
"""

from __future__ import annotations

import numpy as np

from training.simulator.families import (
    AFFILIATE,
    DISGUISED,
    DRIFT_DISGUISED_SHARE,
    DRIFT_HOST_RATIO,
    DRIFTED,
    family_index,
)
from training.simulator.forest import DAY, Block, attach, depth_of, draw_sizes, join_times

MIN_HOST_SIZE = 5


def _branch_heads(
    network: np.ndarray, sizes: np.ndarray, eligible: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One random eligible account per host network (the root when none is eligible)."""
    key = rng.random(len(network))
    key[~eligible] = -1.0
    starts = np.cumsum(sizes) - sizes
    key[starts] = np.maximum(key[starts], -0.5)  # root as fallback head
    order = np.lexsort((key, network))
    return order[np.cumsum(sizes) - 1]


def grow_drifted(graft_accounts: int, span: int, rng: np.random.Generator) -> Block:
    """Host networks plus one grafted scheme each, with ``graft_accounts`` scheme accounts."""
    graft_sizes = draw_sizes(DRIFTED, graft_accounts, rng) + 1  # +1: the head is the graft root
    noise = rng.lognormal(0.0, 0.4, len(graft_sizes))
    host_sizes = np.maximum(MIN_HOST_SIZE, np.rint((graft_sizes - 1) * DRIFT_HOST_RATIO * noise))
    host_sizes = host_sizes.astype(np.int64)
    host_parent, host_network = attach(AFFILIATE, host_sizes, rng)
    host_start = rng.uniform(0, 0.3 * span, len(host_sizes)).astype(np.int64)
    host_joined, host_growth_end = join_times(
        AFFILIATE, host_sizes, host_network, host_start, span, rng
    )
    drift_at = host_start + rng.uniform(0.3, 0.55, len(host_sizes)) * span
    drift_at = np.minimum(drift_at, 0.8 * span).astype(np.int64)
    eligible = (host_joined < drift_at[host_network] - 7 * DAY) & (depth_of(host_parent) <= 2)
    heads = _branch_heads(host_network, host_sizes, eligible, rng)

    graft_parent, graft_network = attach(DRIFTED, graft_sizes, rng)
    graft_start = np.maximum(drift_at, host_joined[heads] + DAY)
    graft_joined, graft_growth_end = join_times(
        DRIFTED, graft_sizes, graft_network, graft_start, span, rng
    )
    is_head = graft_parent < 0
    new_index = len(host_parent) + np.cumsum(~is_head) - 1
    kept_parent = graft_parent[~is_head]
    parent_is_head = is_head[kept_parent]
    graft_parent = np.where(
        parent_is_head, heads[graft_network[kept_parent]], new_index[kept_parent]
    )
    graft_network = graft_network[~is_head]
    disguised = rng.random(len(graft_sizes)) < DRIFT_DISGUISED_SHARE
    graft_habit = np.where(disguised, family_index(DISGUISED.name), family_index(DRIFTED.name))

    label = np.concatenate(
        [np.zeros(len(host_parent), np.int8), np.ones(len(graft_parent), np.int8)]
    )
    label[heads] = 1
    habit = np.full(len(host_parent), family_index(AFFILIATE.name), dtype=np.int64)
    return Block(
        parent=np.concatenate([host_parent, graft_parent]),
        network=np.concatenate([host_network, graft_network]),
        joined=np.concatenate([host_joined, graft_joined[~is_head]]),
        habit=np.concatenate([habit, graft_habit[graft_network]]),
        label=label,
        growth_end=np.concatenate([host_growth_end, graft_growth_end[~is_head]]),
    )

"""Drift: partway through, one branch of a retail network turns into a scheme. Its leader
(the member with the largest downline) starts running another plan; everyone in the branch
follows it, newcomers to the branch pay its way in, and the branch recruits hard."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.altsim.agents import Ints

if TYPE_CHECKING:
    # world.py's day loop imports this module; World is only an annotation here
    from training.altsim.world import World

BRANCH_RETAIL = 0.3  # share of its retail a branch member keeps once the branch turns


def turn_branches(world: World, day: int) -> None:
    nw = world.networks
    for network in np.flatnonzero((nw.drift_day == day) & (nw.root >= 0)):  # a few per run
        leader = _leader(world, int(network))
        if leader >= 0:
            _turn(world, int(network), leader, day)


def _leader(world: World, network: int) -> int:
    """The active non-root member with the largest downline (-1 if there is none)."""
    a = world.agents
    alive = a.alive()
    members = alive[(a.network[alive] == network) & ~world.is_root(alive)]
    if not len(members):
        return -1
    upline = a.upline[members]
    downline = np.bincount(upline[upline >= 0], minlength=a.count)[members]
    return int(members[np.argmax(downline)])


def _branch(world: World, network: int, leader: int) -> Ints:
    a = world.agents
    rows = np.flatnonzero(a.network[: a.count] == network)
    inside = (a.upline[rows] == leader).any(axis=1) | (rows == leader)
    return rows[inside]


def _turn(world: World, network: int, leader: int, day: int) -> None:
    a, nw, rng = world.agents, world.networks, world.rng
    plan = int(nw.drift_plan[network])
    world.plans.set("scope_root", plan, leader)
    branch = _branch(world, network, leader)
    a.plan[branch] = plan
    a.level[branch] = int(np.argmax(world.plans.grid("level_p")[plan]))  # its usual level
    a.level[leader] = 0
    a.drive[branch] = rng.lognormal(0.0, world.p("drive_sigma", branch))
    a.drive[leader] = world.plans.col("root_drive")[plan]
    a.retail_rate[branch] *= BRANCH_RETAIL
    a.fake_rate[branch] = world.p("fake_rate_mean", branch) * rng.lognormal(0, 0.5, len(branch))
    a.self_use[branch] = world.p("self_use_mean", branch) * rng.lognormal(0, 0.5, len(branch))
    a.next_quota[branch] = day + world.p("quota_days", branch).astype(np.int64)
    nw.capacity[network] *= 2.0
    nw.base[network] *= 2.0
    nw.excite[network] = 0.85 / nw.decay[network]

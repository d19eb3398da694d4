"""Who joins each day: network births, Hawkes-process recruitment, preferential attachment,
and what a new member pays to get in (entry fee, package, mandatory first stock order)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.altsim.agents import Floats, Ints
from training.altsim.ledger import PACKAGE
from training.altsim.plans import JOIN, LEVELS
from training.altsim.trade import MEAN_ORDER_UNITS, buy_stock

if TYPE_CHECKING:
    # world.py's day loop imports this module; World is only an annotation here
    from training.altsim.world import World


def birth_roots(world: World, day: int) -> None:
    """Networks born today: their root (organizer, company, shop owner) joins."""
    nw = world.networks
    due = np.flatnonzero(nw.birth == day)
    if not len(due):
        return
    times = day + world.rng.uniform(0.0, 0.5, len(due))
    rows = add_agents(world, due, nw.plan[due], np.full(len(due), -1), times, day)
    nw.root[due] = rows
    world.plans.columns["scope_root"][nw.plan[due]] = rows
    nw.joins[due] += 1


def recruit(world: World, day: int) -> None:
    """Each born network draws today's joins from its intensity; sponsors are sampled."""
    nw = world.networks
    room = np.clip(1.0 - nw.joins / nw.capacity, 0.0, None)
    intensity = np.where(nw.root >= 0, (nw.base + nw.excite * nw.excitation) * room, 0.0)
    nw.peak = np.maximum(nw.peak, intensity)
    wanted = world.rng.poisson(intensity)
    sponsors = _sample_sponsors(world, wanted, day)
    realised = np.bincount(world.agents.network[sponsors], minlength=len(nw)).astype(float)
    nw.excitation = nw.excitation * np.exp(-1.0 / nw.decay) + realised
    nw.joins += realised
    if not len(sponsors):
        return
    a = world.agents
    times = np.maximum(day + world.rng.random(len(sponsors)), a.joined[sponsors] + 0.01)
    add_agents(world, a.network[sponsors], a.plan[sponsors], sponsors, times, day)


def _recruiter_weights(world: World, rows: Ints, day: int) -> Floats:
    """Drive, times preferential attachment on direct recruits, times a recency boost."""
    a = world.agents
    gamma = world.p("attach_gamma", rows)
    tau = world.p("recency_tau", rows)
    recency = 0.2 + np.exp(-(day - a.joined[rows]) / tau)
    able = a.tier[rows] <= world.p("max_recruiter_tier", rows)
    return np.where(able, a.drive[rows] * (1.0 + a.direct[rows]) ** gamma * recency, 0.0)


def _sample_sponsors(world: World, wanted: Ints, day: int) -> Ints:
    """One sponsor per wanted join, drawn within its network by recruiter weight."""
    a = world.agents
    alive = a.alive()
    candidates = alive[wanted[a.network[alive]] > 0]
    weights = _recruiter_weights(world, candidates, day)
    candidates, weights = candidates[weights > 0], weights[weights > 0]
    if not len(candidates):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(a.network[candidates], kind="stable")
    candidates, cumulative = candidates[order], np.cumsum(weights[order])
    networks = a.network[candidates]
    present = np.unique(networks)
    starts = np.searchsorted(networks, present, side="left")
    ends = np.searchsorted(networks, present, side="right")
    counts = wanted[present]
    low = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0.0)
    high = cumulative[ends - 1]
    draws = np.repeat(low, counts) + world.rng.random(counts.sum()) * np.repeat(high - low, counts)
    picked = np.searchsorted(cumulative, draws, side="right")
    return candidates[np.minimum(picked, np.repeat(ends - 1, counts))]


def add_agents(
    world: World, network: Ints, plan: Ints, sponsor: Ints, times: Floats, day: int
) -> Ints:
    """Create accounts (roots have sponsor -1); members pay their way in."""
    a, n = world.agents, len(network)
    a.reserve(n)
    rows = np.arange(a.count, a.count + n)
    a.count += n
    a.network[rows], a.plan[rows], a.sponsor[rows] = network, plan, sponsor
    a.joined[rows], a.active[rows] = times, True
    member = sponsor >= 0
    _place(world, rows[member], sponsor[member])
    _draw_traits(world, rows, member, day)
    if member.any():
        _pay_in(world, rows[member], times[member])
    return rows


def _place(world: World, rows: Ints, sponsor: Ints) -> None:
    """Tier, upline chain and binary leg of new members."""
    a = world.agents
    a.tier[rows] = a.tier[sponsor] + 1
    a.upline[rows, 0] = sponsor
    a.upline[rows, 1:] = a.upline[sponsor, :-1]
    legs = a.legs[sponsor]
    side = np.where(legs[:, 0] == legs[:, 1], world.rng.integers(0, 2, len(rows)), legs.argmin(1))
    np.add.at(a.legs, (sponsor, side), 1)
    a.side[rows, 0] = side
    a.side[rows, 1:] = a.side[sponsor, :-1]
    np.add.at(a.direct, sponsor, 1)


def _levels(world: World, rows: Ints) -> Ints:
    """Declared level: the tier (capped) where the plan says so, else drawn from its mix."""
    a = world.agents
    mix = world.plans.grid("level_p")[a.plan[rows]]
    cumulative = np.cumsum(mix, axis=1)
    drawn = (world.rng.random(len(rows))[:, None] * cumulative[:, -1:] > cumulative).sum(1)
    by_tier = np.clip(a.tier[rows] - 1, 0, LEVELS - 1)
    return np.where(world.p("level_by_tier", rows) > 0, by_tier, drawn)


def _draw_traits(world: World, rows: Ints, member: np.ndarray, day: int) -> None:
    """Each new agent's own recruiting drive, retail reach, stock habits."""
    a, rng, n = world.agents, world.rng, len(rows)
    p = world.p
    a.level[rows] = np.where(member, _levels(world, rows), 0)
    recruits = rng.random(n) >= p("nonrecruiter_share", rows)
    drive = recruits * rng.lognormal(0.0, p("drive_sigma", rows))
    a.drive[rows] = np.where(member, drive, p("root_drive", rows) * rng.lognormal(0.0, 0.3, n))
    boost = np.where(member, 1.0, p("root_retail", rows))
    sigma = p("retail_sigma", rows)
    spread = rng.lognormal(-(sigma**2) / 2, sigma)  # mean 1
    a.retail_rate[rows] = p("retail_rate_mean", rows) * boost * spread
    pool = np.maximum(1, np.round(p("pool_mean", rows) * boost * rng.lognormal(0, 0.5, n)))
    a.pool_size[rows] = pool.astype(np.int64)
    a.pool_start[rows] = world.consumers + np.cumsum(a.pool_size[rows]) - a.pool_size[rows]
    world.consumers += int(a.pool_size[rows].sum())
    a.fake_rate[rows] = p("fake_rate_mean", rows) * rng.lognormal(0.0, 0.5, n)
    a.self_use[rows] = p("self_use_mean", rows) * rng.lognormal(0.0, 0.5, n)
    fixed = p("batch_units", rows) * rng.lognormal(0, 0.3, n)
    covering = a.retail_rate[rows] * MEAN_ORDER_UNITS * p("batch_days", rows)
    a.batch[rows] = np.maximum(1.0, np.round(np.where(p("batch_days", rows) > 0, covering, fixed)))
    a.last_batch[rows] = a.batch[rows]
    a.next_quota[rows] = day + p("quota_days", rows).astype(np.int64)


def _pay_in(world: World, rows: Ints, times: Floats) -> None:
    """Entry fee (in money or as a package order from the root) and the first stock order."""
    a, nw = world.agents, world.networks
    fee = np.round(world.p("entry_fee", rows), 2)
    as_order = (world.p("fee_as_order", rows) > 0) & (fee > 0)
    a.fee_paid[rows] = np.where(as_order, 0.0, fee)
    a.cash[rows] -= fee
    package = rows[as_order]
    world.ledger.add_orders(
        seller=nw.root[a.network[package]],
        buyer=package,
        consumer=np.full(len(package), -1),
        actor=package,
        time=times[as_order] + 0.001,
        amount=fee[as_order],
        units=np.ones(len(package)),
        kind=np.full(len(package), PACKAGE),
    )
    starter = world.plans.grid("starter")[a.plan[rows], a.level[rows]]
    starter = np.where(world.p("stock_based", rows) > 0, np.round(starter), 0.0)
    first = starter > 0
    if first.any():  # its overrides are pay for a joining, hence from_join
        buy_stock(world, rows[first], starter[first], times[first] + 0.002, from_join=True)
    world.triggers.add(rows, fee, JOIN, from_join=True)

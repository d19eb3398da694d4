"""The plans' payouts on the day's triggers: retail commission, upline levels (unilevel,
per-head bonuses), binary pairing and forced-matrix cycles. Each payout row keeps which
part of it was pay for a joining (``join_share``): the labelling rule needs it, the platform's
reported ``kind`` does not say it reliably."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.altsim.agents import Floats, Ints
from training.altsim.plans import JOIN, RETAIL, SALE, TEAM, TRIGGERS, UPLINE

if TYPE_CHECKING:
    # world.py's day loop imports this module; World is only an annotation here
    from training.altsim.world import World

RATE_GRIDS = tuple(f"{t}_rate" for t in TRIGGERS)
KIND_COLUMNS = ("kind_join", "kind_purchase", "kind_sale")


def pay_today(world: World, day: int) -> None:
    agent, amount, trigger, join_volume = world.triggers.take()
    if not len(agent):
        return
    join_share = np.divide(join_volume, amount, out=np.zeros(len(amount)), where=amount > 0)
    join_share[trigger == JOIN] = 1.0
    _retail_commission(world, agent, amount, trigger, day)
    _upline(world, agent, amount, trigger, join_share, day)
    _binary_volume(world, agent, amount, join_volume)
    _matrix(world, agent[trigger == JOIN], day)


def _record(
    world: World, payee: Ints, source: Ints, amount: Floats, kind: Floats, day: int, share: Floats
) -> None:
    amount = np.round(amount, 2)
    world.ledger.add_commissions(
        payee=payee,
        source=source,
        amount=amount,
        kind=kind.astype(np.int64),
        day=np.full(len(payee), day),
        join_share=share,
    )
    np.add.at(world.agents.cash, payee, amount)


def _retail_commission(world: World, agent: Ints, amount: Floats, trigger: Ints, day: int) -> None:
    """The member's own (or referred) consumer sales; roots sell for themselves."""
    rate = world.p("retail_rate", agent)
    paid = (trigger == SALE) & (rate > 0) & ~world.is_root(agent)
    rows = np.flatnonzero(paid)
    kind = np.full(len(rows), float(RETAIL))
    none = np.zeros(len(rows))
    _record(world, agent[rows], agent[rows], rate[rows] * amount[rows], kind, day, none)


def _upline(
    world: World, agent: Ints, amount: Floats, trigger: Ints, share: Floats, day: int
) -> None:
    """Level k of upline earns rate[k] of the trigger's amount plus, on a join, the head
    bonus; only uplines under the same plan, active, and (if the plan says so) with at least
    k direct recruits."""
    a, plans = world.agents, world.plans
    plan = a.plan[agent]
    rates = np.stack([plans.grid(g)[plan] for g in RATE_GRIDS])  # (trigger, rows, level)
    rate = rates[trigger, np.arange(len(agent))]
    bonus = np.where((trigger == JOIN)[:, None], plans.grid("head_bonus")[plan], 0.0)
    kinds = np.stack([plans.col(c)[plan] for c in KIND_COLUMNS])[trigger, np.arange(len(agent))]
    unlock = plans.col("level_unlock")[plan] > 0
    for level in range(UPLINE):
        pay = rate[:, level] * amount + bonus[:, level]
        payee = a.upline[agent, level]
        ok = (pay > 0) & (payee >= 0)
        ok[ok] &= a.active[payee[ok]] & (a.plan[payee[ok]] == plan[ok])
        ok[ok] &= ~unlock[ok] | (a.direct[payee[ok]] > level)
        if not ok.any():
            continue
        rows = np.flatnonzero(ok)
        _record(world, payee[rows], agent[rows], pay[rows], kinds[rows], day, share[rows])


def _binary_volume(world: World, agent: Ints, amount: Floats, join_volume: Floats) -> None:
    """Credit each upline's leg (the side the trigger sits on) with its volume."""
    a = world.agents
    rows = np.flatnonzero(world.p("binary_rate", agent) > 0)
    agent, amount, join_volume = agent[rows], amount[rows], join_volume[rows]
    for level in range(UPLINE):
        upline = a.upline[agent, level]
        ok = upline >= 0
        ok[ok] &= a.plan[upline[ok]] == a.plan[agent[ok]]
        side = a.side[agent[ok], level]
        np.add.at(a.leg_volume, (upline[ok], side), amount[ok])
        np.add.at(a.leg_join_volume, (upline[ok], side), join_volume[ok])


def settle_binary(world: World, day: int) -> None:
    """Weekly pairing bonus: rate times the weaker leg's volume, capped; paired volume is
    used up on both legs."""
    a = world.agents
    alive = a.alive()
    rows = alive[world.p("binary_rate", alive) > 0]
    volume = a.leg_volume[rows]
    matched = volume.min(axis=1)
    rows, volume, matched = rows[matched > 0], volume[matched > 0], matched[matched > 0]
    if not len(rows):
        return
    pay = np.minimum(world.p("binary_rate", rows) * matched, world.p("binary_cap", rows))
    joined = a.leg_join_volume[rows]
    share = joined.sum(1) / volume.sum(1)
    left = volume - matched[:, None]
    a.leg_join_volume[rows] = joined * left / volume
    a.leg_volume[rows] = left
    kind = np.full(len(rows), float(TEAM))
    _record(world, rows, np.full(len(rows), -1), pay, kind, day, share)


def _matrix(world: World, joiners: Ints, day: int) -> None:
    """Forced matrix: each join fills a position on level k below its k-th upline (while
    that level has room: width ** k positions); a full matrix pays a cycle bonus and
    starts over (re-entry)."""
    a = world.agents
    joiners = joiners[world.p("matrix_width", joiners) > 0]
    if not len(joiners):
        return
    width, depth = world.p("matrix_width", joiners), world.p("matrix_depth", joiners)
    touched = []
    for level in range(3):
        upline = a.upline[joiners, level]
        ok = (upline >= 0) & (level < depth)
        ok[ok] &= a.plan[upline[ok]] == a.plan[joiners[ok]]
        np.add.at(a.matrix_fill, (upline[ok], level), 1)
        room = (width[ok] ** (level + 1)).astype(np.int64)
        a.matrix_fill[upline[ok], level] = np.minimum(a.matrix_fill[upline[ok], level], room)
        touched.append(upline[ok])
    owners = np.unique(np.concatenate(touched))
    width, depth = world.p("matrix_width", owners), world.p("matrix_depth", owners)
    levels = np.arange(3)[None, :]
    room = np.where(levels < depth[:, None], width[:, None] ** (levels + 1), 0)
    full = (a.matrix_fill[owners] >= room).all(axis=1) & a.active[owners]
    cycled = owners[full]
    a.matrix_fill[cycled] = 0
    kind = world.p("kind_matrix", cycled)
    bonus = world.p("matrix_bonus", cycled)
    _record(world, cycled, np.full(len(cycled), -1), bonus, kind, day, np.ones(len(cycled)))

"""The day's trade of every active agent: genuine consumer orders (limited by stock on hand),
staged orders to a few buyer ids (刷单), own use, quota purchases and reorders."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.altsim.agents import Floats, Ints
from training.altsim.ledger import CONSUMER, STAGED, STOCK
from training.altsim.plans import PURCHASE, SALE

if TYPE_CHECKING:
    # world.py's day loop imports this module; World is only an annotation here
    from training.altsim.world import World

WEEKEND_LIFT = 1.3
CONSUMER_REFUND_SHARE = 0.02
ORDER_UNITS_P = 0.65  # units per consumer order are geometric with this p
MEAN_ORDER_UNITS = 1.0 / ORDER_UNITS_P


def buy_stock(
    world: World, buyers: Ints, units: Floats, times: Floats, from_join: bool = False
) -> Floats:
    """Stock orders from the sponsor (where the plan says so and it is active) or else from
    the network's root; the price depends on the buyer's declared level. Buyers are unique."""
    a, nw = world.agents, world.networks
    sponsor = a.sponsor[buyers]
    upline_sells = (world.p("supply_from_sponsor", buyers) > 0) & a.active[sponsor]
    seller = np.where(upline_sells, sponsor, nw.root[a.network[buyers]])
    discount = world.plans.grid("discount")[a.plan[buyers], a.level[buyers]]
    spread = world.rng.uniform(0.98, 1.02, len(buyers))
    amount = np.round(units * world.price(buyers) * (1.0 - discount) * spread, 2)
    rows = world.ledger.add_orders(
        seller=seller,
        buyer=buyers,
        consumer=np.full(len(buyers), -1),
        actor=buyers,
        time=times,
        amount=amount,
        units=units,
        kind=np.full(len(buyers), STOCK),
    )
    a.stock[buyers] += units
    a.last_batch[buyers], a.last_purchase[buyers] = units, rows
    a.cash[buyers] -= amount
    np.add.at(a.cash, seller, amount)
    middle = ~world.is_root(seller)  # roots draw on outside supply
    np.subtract.at(a.stock, seller[middle], units[middle])
    world.triggers.add(buyers, amount, PURCHASE, from_join=from_join)
    return amount


def trade_today(world: World, day: int) -> None:
    alive = world.agents.alive()
    weekday = (world.config.start.weekday() + day) % 7
    lift = WEEKEND_LIFT if weekday >= 5 else 1.0
    _retail(world, alive, day, lift)
    _staged(world, alive, day)
    _own_use(world, alive)
    _quota(world, alive, day)
    _reorder(world, alive, day)


def _holds_stock(world: World, rows: Ints) -> np.ndarray:
    return (world.p("stock_based", rows) > 0) & ~world.is_root(rows)


def _order_times(world: World, actors: Ints, day: int) -> Floats:
    later = world.agents.joined[actors] + 0.001
    return np.maximum(day + world.rng.random(len(actors)), later)


def _within_stock(world: World, actors: Ints, units: Floats) -> np.ndarray:
    """Orders an agent can fill from its stock today (in order); roots and drop-shippers
    always can."""
    ends = np.cumsum(units)
    first = np.r_[0, np.flatnonzero(actors[1:] != actors[:-1]) + 1]
    run = np.repeat(first, np.diff(np.r_[first, len(actors)]))
    before = ends - units - np.where(run > 0, ends[run - 1], 0.0)
    enough = before + units <= np.maximum(world.agents.stock[actors], 0.0)
    return enough | ~_holds_stock(world, actors)


def _retail(world: World, alive: Ints, day: int, lift: float) -> None:
    """Genuine consumer orders from each agent's own pool; a few consumers come back often."""
    a, rng = world.agents, world.rng
    rate = a.retail_rate[alive] * lift
    burst = world.p("burst", alive)
    bursty = burst > 0
    rate[bursty] *= rng.gamma(burst[bursty], 1.0 / burst[bursty])
    actors = np.repeat(alive, rng.poisson(rate))
    units = rng.geometric(ORDER_UNITS_P, len(actors)).astype(float)
    filled = _within_stock(world, actors, units)
    actors, units = actors[filled], units[filled]
    skew = world.p("repeat_skew", actors)
    pick = np.floor(a.pool_size[actors] * rng.random(len(actors)) ** skew).astype(np.int64)
    _record_sales(world, actors, units, a.pool_start[actors] + pick, CONSUMER, day)


def _staged(world: World, alive: Ints, day: int) -> None:
    """Orders to a handful of buyer ids the network controls: stock shows as sold."""
    a, rng, nw = world.agents, world.rng, world.networks
    actors = np.repeat(alive, rng.poisson(a.fake_rate[alive]))
    network = a.network[actors]
    ids = nw.fake_start[network] + rng.integers(0, nw.fake_size[network])
    units = rng.geometric(0.5, len(actors)).astype(float)
    _record_sales(world, actors, units, -1 - ids, STAGED, day)  # negative: staged ids


def _record_sales(
    world: World, actors: Ints, units: Floats, consumer: Ints, kind: int, day: int
) -> None:
    a, nw, rng = world.agents, world.networks, world.rng
    by_root = world.p("seller_is_root", actors) > 0
    seller = np.where(by_root, nw.root[a.network[actors]], actors)
    amount = np.round(units * world.price(actors) * rng.uniform(0.85, 1.15, len(actors)), 2)
    rows = world.ledger.add_orders(
        seller=seller,
        buyer=np.full(len(actors), -1),
        consumer=consumer,
        actor=actors,
        time=_order_times(world, actors, day),
        amount=amount,
        units=units,
        kind=np.full(len(actors), kind),
    )
    holds = _holds_stock(world, actors)
    np.subtract.at(a.stock, actors[holds], units[holds])
    if kind == CONSUMER:
        np.add.at(a.cash, seller, amount)
        world.ledger.refund(rows[rng.random(len(rows)) < CONSUMER_REFUND_SHARE])
    world.triggers.add(actors, amount, SALE)


def _own_use(world: World, alive: Ints) -> None:
    """Stock the agent uses or hoards itself: it never reaches a consumer."""
    a = world.agents
    rows = alive[_holds_stock(world, alive) & (a.stock[alive] > 0)]
    used = np.minimum(world.rng.poisson(a.self_use[rows]).astype(float), a.stock[rows])
    a.stock[rows] -= used
    a.used[rows] += used


def _quota(world: World, alive: Ints, day: int) -> None:
    """Purchases the plan requires every period to stay qualified (autoship)."""
    a = world.agents
    quota = world.p("quota_units", alive)
    due = alive[(quota > 0) & (a.next_quota[alive] <= day) & _holds_stock(world, alive)]
    if len(due):
        buy_stock(world, due, world.p("quota_units", due), _order_times(world, due, day))
        a.next_quota[due] += world.p("quota_days", due).astype(np.int64)


def _reorder(world: World, alive: Ints, day: int) -> None:
    """Reorder a batch when stock falls below the plan's share of the last batch."""
    a = world.agents
    held = alive[_holds_stock(world, alive)]
    low = a.stock[held] < world.p("reorder_frac", held) * a.last_batch[held]
    due = held[low]
    if len(due):  # a back-order (stock below zero) is covered on top of the batch
        units = a.batch[due] + np.maximum(0.0, -a.stock[due])
        buy_stock(world, due, units, _order_times(world, due, day))

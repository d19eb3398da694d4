"""Agent purchases: join packages, first stock orders and reorders, and the fake consumer
orders (刷单) that make pushed stock look sold.

Schemes reorder a fixed quota whatever the member sells (囤货); lawful chains reorder what
their own and their recruits' sales need, and some buy back stock from members who quit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.thirdsim.families import FAMILIES
from training.thirdsim.networks import Members
from training.thirdsim.trade import BuyerSpace, orders_frame, recipe_column


def _supplier(
    nets: pd.DataFrame, members: Members, buyer: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """Who ships to each buyer: its sponsor, or the network's root (the brand), which also
    takes over when the sponsor has left."""
    root = buyer - members.local[buyer]
    from_root = nets["from_root"].to_numpy()[members.network[buyer]]
    sponsor = members.sponsor[buyer]
    gone = members.left[np.maximum(sponsor, 0)] <= day  # NaN (still active) compares False
    return np.where(from_root | gone, root, sponsor)


def packages(nets: pd.DataFrame, members: Members, fee: np.ndarray) -> pd.DataFrame:
    """Entry fees booked as a starter-package order from the root at joining."""
    package = nets["package"].to_numpy()[members.network] & (fee > 0)
    buyer = np.flatnonzero(package)
    root = buyer - members.local[buyer]
    day = members.joined[buyer] + 0.01
    return orders_frame(root, buyer, day, fee[buyer], 1, False, "package")


def _per_network(nets: pd.DataFrame, field: str, rng: np.random.Generator) -> np.ndarray:
    bounds = np.array([getattr(FAMILIES[f], field) for f in nets["family"]], dtype=np.float64)
    return rng.uniform(bounds[:, 0], bounds[:, 1])


def stock_orders(
    nets: pd.DataFrame,
    members: Members,
    rate: np.ndarray,
    end: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """First stock order at joining, then a reorder every quota period while active."""
    first = _per_network(nets, "first_stock", rng)[members.network]
    quota = _per_network(nets, "quota_days", rng)[members.network]
    fixed = _per_network(nets, "quota_stock", rng)[members.network]
    buyer = np.flatnonzero((first >= 1.0) & (members.local > 0))
    price = nets["price"].to_numpy()[members.network]
    start = members.joined[buyer] + rng.uniform(0.0, 0.3, len(buyer))
    first_amount = price[buyer] * first[buyer] * np.where(members.tier[buyer] == 1, 2.0, 1.0)
    reorders = np.floor(np.maximum(end[buyer] - start, 0) / quota[buyer]).astype(np.int64)
    again = np.repeat(buyer, reorders)
    step = np.arange(len(again)) - np.repeat(np.cumsum(reorders) - reorders, reorders) + 1
    again_day = np.repeat(start, reorders) + step * quota[again] + rng.uniform(-2, 2, len(again))
    # a lawful chain restocks what it and its recruits sold; a scheme its fixed quota
    needed = rate[again] * quota[again] * (1.1 + 0.6 * members.recruits[again])
    units = np.where(fixed[again] > 0, fixed[again], np.maximum(needed, 1.0))
    again_amount = price[again] * units * rng.lognormal(0, 0.15, len(again))
    who = np.concatenate([buyer, again])
    day = np.concatenate([start, again_day])
    amount = np.concatenate([first_amount, again_amount])
    keep = day < end[who]
    who, day, amount = who[keep], day[keep], amount[keep]
    quantity = np.round(amount / price[who])
    lawful = ~recipe_column(nets, members, "scheme")[who]
    buyback = lawful & (members.left[who] < day + 30) & (rng.random(len(who)) < 0.7)
    supplier = _supplier(nets, members, who, day)
    return orders_frame(supplier, who, day, amount, quantity, buyback, "stock")


def fake_orders(
    nets: pd.DataFrame,
    members: Members,
    stock: pd.DataFrame,
    end: np.ndarray,
    space: BuyerSpace,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Fake consumer orders a few days after each stock order, at exact list prices: from the
    network's shared pool of controlled buyer ids, or from fresh one-off ids."""
    holder = stock["buyer"].to_numpy()
    per_stock = recipe_column(nets, members, "fake_per_stock")[holder]
    count = rng.poisson(per_stock)
    seller = np.repeat(holder, count)
    day = np.repeat(stock["day"].to_numpy(), count) + rng.uniform(0.5, 6.0, len(seller))
    keep = day < end[seller]
    seller, day = seller[keep], day[keep]
    network = members.network[seller]
    pool_size = 5 + (network * 7919) % 36
    pooled = space.pools + 64 * network + rng.integers(0, pool_size)
    fresh = space.fresh + np.arange(len(seller))
    buyer = np.where(nets["fake_pool"].to_numpy()[network], pooled, fresh)
    quantity = rng.choice([1, 1, 1, 2, 3], len(seller))
    amount = nets["price"].to_numpy()[network] * quantity
    return orders_frame(seller, buyer, day, amount, quantity, False, "fake")

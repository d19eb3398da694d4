"""Orders: genuine retail, wholesale buyers, stock pushed down the tree, join packages and
fake consumer orders (刷单), with the platform's growth and shopping festivals.

Buyers are integer codes: ``0 .. members-1`` are accounts (agent purchases); consumers live
in ranges above (``BuyerSpace``) so that id formatting can never confuse the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from training.thirdsim.families import FAMILIES
from training.thirdsim.networks import Members


@dataclass(frozen=True)
class BuyerSpace:
    """Where each kind of buyer code starts (consumers, fake pools, fresh fakes, businesses)."""

    consumers: int
    population: int
    pools: int
    fresh: int
    business: int

    @classmethod
    def of(cls, members: int, networks: int) -> BuyerSpace:
        population = 6 * members
        pools = members + population
        fresh = pools + 64 * networks
        return cls(members, population, pools, fresh, fresh + 50 * members)


def season_curve(span: int, start: pd.Timestamp) -> np.ndarray:
    """Cumulative shopping intensity per day: growth, 6.18, 11.11, Spring Festival, weekends."""
    days = np.arange(span + 1)
    dates = start + pd.to_timedelta(days, unit="D")
    doy = dates.day_of_year.to_numpy()
    weight = np.exp(days / span * np.log(2.0))  # the platform doubles its trade
    weight *= (
        1.0 + 2.0 * np.exp(-(((doy - 315) / 4.0) ** 2)) + 0.8 * np.exp(-(((doy - 169) / 3) ** 2))
    )
    weight *= (
        1.0 - 0.5 * np.exp(-(((doy - 40) / 8.0) ** 2)) + 0.2 * (dates.day_of_week.to_numpy() >= 5)
    )
    return np.concatenate([[0.0], np.cumsum(weight)])


def _when(
    curve: np.ndarray, begin: np.ndarray, end: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Days drawn between ``begin`` and ``end``, denser where the platform shops more."""
    grid = np.arange(len(curve), dtype=np.float64)
    low, high = np.interp(begin, grid, curve), np.interp(end, grid, curve)
    return np.interp(low + rng.random(len(begin)) * (high - low), curve, grid)


Column = np.ndarray | int | bool  # an array over the orders, or one value for all of them


def orders_frame(
    seller: Column,
    buyer: Column,
    day: Column,
    amount: Column,
    quantity: Column,
    refunded: Column,
    channel: str,
) -> pd.DataFrame:
    """Orders in the generator's working columns (integer codes, float days)."""
    return pd.DataFrame(
        {
            "seller": np.asarray(seller, dtype=np.int64),
            "buyer": np.asarray(buyer, dtype=np.int64),
            "day": np.asarray(day, dtype=np.float64),
            "amount": np.maximum(np.round(np.asarray(amount, dtype=np.float64), 2), 0.01),
            "quantity": np.maximum(np.asarray(quantity, dtype=np.int64), 1),
            "refunded": np.asarray(refunded, dtype=bool),
            "channel": channel,
        }
    )


def recipe_column(nets: pd.DataFrame, members: Members, field: str) -> np.ndarray:
    per_net = np.array([getattr(FAMILIES[f], field) for f in nets["family"]])
    return per_net[members.network]


def retail_rates(nets: pd.DataFrame, members: Members, rng: np.random.Generator) -> np.ndarray:
    """Genuine consumer orders per day for each member (the root may be a star seller)."""
    rate = recipe_column(nets, members, "retail_per_day") * rng.lognormal(0, 0.9, len(members))
    root_boost = recipe_column(nets, members, "root_retail")
    return np.where(members.local == 0, rate * root_boost, rate)


def consumer_sales(
    nets: pd.DataFrame,
    members: Members,
    rate: np.ndarray,
    end: np.ndarray,
    curve: np.ndarray,
    space: BuyerSpace,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Real retail: regulars of the seller and shoppers of the whole platform."""
    count = rng.poisson(rate * (end - members.joined))
    seller = np.repeat(np.arange(len(members)), count)
    day = _when(curve, members.joined[seller], end[seller], rng)
    regular = rng.random(len(seller)) < recipe_column(nets, members, "repeat_share")[seller]
    slot = np.minimum(rng.geometric(0.12, len(seller)), 60)
    regular_id = (seller * 2_654_435_761 + slot * 97) % space.population
    shopper = (space.population * rng.random(len(seller)) ** 1.6).astype(np.int64)
    buyer = space.consumers + np.where(regular, regular_id, shopper)
    quantity = 1 + rng.poisson(0.4, len(seller))
    price = nets["price"].to_numpy()[members.network[seller]]
    amount = price * quantity * rng.lognormal(-0.05, 0.2, len(seller))
    refunded = rng.random(len(seller)) < recipe_column(nets, members, "refund_rate")[seller]
    return orders_frame(seller, buyer, day, amount, quantity, refunded, "consumer")


def wholesale_sales(
    nets: pd.DataFrame,
    members: Members,
    end: np.ndarray,
    curve: np.ndarray,
    space: BuyerSpace,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Business buyers (shops, offices) ordering in bulk from the top tiers of a chain."""
    per_day = recipe_column(nets, members, "wholesale_buyers") * (members.tier <= 1)
    count = rng.poisson(per_day * (end - members.joined))
    seller = np.repeat(np.arange(len(members)), count)
    day = _when(curve, members.joined[seller], end[seller], rng)
    buyer = space.business + rng.integers(0, 20 * len(nets) + 1, len(seller))
    quantity = rng.integers(20, 200, len(seller))
    amount = nets["price"].to_numpy()[members.network[seller]] * 0.6 * quantity
    returned = rng.random(len(seller)) < 0.02
    return orders_frame(seller, buyer, day, amount, quantity, returned, "wholesale")

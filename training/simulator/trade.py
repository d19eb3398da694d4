"""Orders: consumer sales with repeat customers, first stock orders and restocks from sponsors.

Everything is drawn per account (counts) and then per order in whole arrays; no loop runs over
orders. Legitimate restocks are sized to what the account sells; schemes push stock regardless.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.simulator.forest import DAY
from training.simulator.population import Population, family_param

STAGE_FIRST_STOCK, STAGE_CONSUMER, STAGE_RESTOCK = 11, 12, 13
CONTROLLED_BUYERS = (2, 9)  # controlled buyer ids per disguised network (刷单 accounts)
CONSUMER_SHARE_OF_TARGET = 0.9
# networks differ in how much their product sells: some legitimate ones barely sell, some
# schemes move real product; this spread keeps network-level sales shares from deciding alone
NETWORK_DEMAND_SIGMA = 1.0  # consumer sales' share of the order target; stock is the rest


@dataclass(frozen=True)
class Orders:
    """Orders as arrays; a buyer is an account (agent purchase) or a consumer number."""

    seller: np.ndarray
    buyer: np.ndarray
    buyer_is_account: np.ndarray
    created: np.ndarray  # seconds since start
    amount: np.ndarray
    quantity: np.ndarray
    refunded: np.ndarray

    def __len__(self) -> int:
        return len(self.seller)


def _concat(parts: list[Orders]) -> Orders:
    """One Orders from several, in the given order."""
    fields = Orders.__dataclass_fields__
    return Orders(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in fields})


def _money(values: np.ndarray) -> np.ndarray:
    """Round to cents, at least one cent."""
    return np.maximum(np.round(values, 2), 0.01)


def _uniform_between(start: np.ndarray, end: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniform second in [start, end] per row."""
    return start + (rng.random(len(start)) * (end - start + 1)).astype(np.int64)


def first_stock_orders(population: Population, seed: int) -> Orders:
    """The stock order a recruit places with its sponsor on joining (压货 at entry)."""
    rng = np.random.default_rng([seed, STAGE_FIRST_STOCK])
    habit = population.habit
    buys = (rng.random(len(habit)) < family_param("first_stock_prob")[habit]) & (
        population.parent >= 0
    )
    buyer = np.flatnonzero(buys)
    median = family_param("first_stock_median")[habit[buyer]]
    amount = _money(median * rng.lognormal(0.0, 0.35, len(buyer)))
    created = np.minimum(
        population.joined[buyer] + rng.integers(60, DAY, len(buyer)), population.span - 1
    )
    return Orders(
        seller=population.parent[buyer],
        buyer=buyer,
        buyer_is_account=np.ones(len(buyer), dtype=bool),
        created=created,
        amount=amount,
        quantity=np.maximum(1, np.rint(amount / (median / 10))).astype(np.int64),
        refunded=np.zeros(len(buyer), dtype=bool),
    )


def consumer_orders(population: Population, target: int, seed: int) -> Orders:
    """Consumer sales: per-account counts scaled to ``target``, repeat and fake buyers."""
    rng = np.random.default_rng([seed, STAGE_CONSUMER])
    habit, n = population.habit, len(population)
    root = population.parent < 0
    rate = np.where(
        root, family_param("root_consumer_rate")[habit], family_param("consumer_rate")[habit]
    )
    dormant = ~root & (rng.random(n) < family_param("dormant_share")[habit])
    active_days = (population.active_end - population.joined) / DAY
    weight = rate * active_days * rng.lognormal(-0.32, 0.8, n)  # heavy-tailed productivity
    networks = int(population.network.max()) + 1
    demand = rng.lognormal(-(NETWORK_DEMAND_SIGMA**2) / 2, NETWORK_DEMAND_SIGMA, networks)
    weight *= demand[population.network]
    weight[dormant] = 0.0
    scale = target / max(weight.sum(), 1e-9)
    counts = rng.poisson(weight * scale)
    seller = np.repeat(np.arange(n, dtype=np.int64), counts)
    created = _uniform_between(population.joined[seller], population.active_end[seller], rng)
    order_habit = habit[seller]
    median = family_param("order_median")[order_habit]
    amount = _money(median * rng.lognormal(0.0, family_param("order_sigma")[order_habit]))
    buyer = _consumer_buyers(population, seller, rng)
    return Orders(
        seller=seller,
        buyer=buyer,
        buyer_is_account=np.zeros(len(seller), dtype=bool),
        created=created,
        amount=amount,
        quantity=1 + rng.poisson(np.clip(amount / median - 0.5, 0.0, 20.0)),
        refunded=rng.random(len(seller)) < family_param("refund_rate")[order_habit],
    )


def _consumer_buyers(
    population: Population, seller: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Consumer numbers: each seller's own skewed customer base, or its network's fake buyers."""
    habit = population.habit
    base = np.maximum(
        1, np.rint(family_param("customers_median")[habit] * rng.lognormal(0, 0.6, len(habit)))
    )
    base = base.astype(np.int64)
    offset = np.cumsum(base) - base
    # U**2 makes the first customers of a seller its regulars (repeat customers)
    local = (base[seller] * rng.random(len(seller)) ** 2).astype(np.int64)
    real = offset[seller] + local
    networks = int(population.network.max()) + 1
    controlled = rng.integers(*CONTROLLED_BUYERS, networks)
    network = population.network[seller]
    fake_slot = (controlled[network] * rng.random(len(seller))).astype(np.int64)
    fake = int(base.sum()) + network * CONTROLLED_BUYERS[1] + fake_slot
    is_fake = rng.random(len(seller)) < family_param("fake_buyer_share")[habit[seller]]
    return np.where(is_fake, fake, real)


def restock_orders(population: Population, consumer: Orders, seed: int) -> Orders:
    """Restocks bought from the sponsor: sized to own sales (legitimate) or pushed (schemes)."""
    rng = np.random.default_rng([seed, STAGE_RESTOCK])
    habit, n = population.habit, len(population)
    sales = np.bincount(consumer.seller, weights=consumer.amount, minlength=n)
    has_sponsor = population.parent >= 0
    sponsor_end = population.active_end[np.maximum(population.parent, 0)]
    start = population.joined + DAY
    end = np.minimum(population.active_end, sponsor_end)
    months_active = np.clip((end - start) / (30 * DAY), 0.0, None)
    pushed = family_param("pushed_per_month")[habit] * months_active * rng.lognormal(0, 0.5, n)
    value = family_param("restock_to_sales")[habit] * sales * rng.uniform(0.8, 1.2, n) + pushed
    value = np.where(has_sponsor & (end > start), value, 0.0)
    ticket = family_param("restock_ticket")[habit] * rng.lognormal(0, 0.3, n)
    counts = np.floor(value / ticket + rng.random(n)).astype(np.int64)
    buyer = np.repeat(np.arange(n, dtype=np.int64), counts)
    each = value[buyer] / counts[buyer]
    amount = _money(each * rng.lognormal(-0.02, 0.2, len(buyer)))
    median = family_param("restock_ticket")[habit[buyer]]
    return Orders(
        seller=population.parent[buyer],
        buyer=buyer,
        buyer_is_account=np.ones(len(buyer), dtype=bool),
        created=_uniform_between(start[buyer], end[buyer], rng),
        amount=amount,
        quantity=np.maximum(1, np.rint(amount / (median / 10))).astype(np.int64),
        refunded=np.zeros(len(buyer), dtype=bool),
    )


def trade(
    population: Population, orders_per_account: float, seed: int
) -> tuple[Orders, Orders, Orders]:
    """First stock orders, consumer sales and restocks, sized to the order target."""
    first = first_stock_orders(population, seed)
    target = orders_per_account * len(population) * CONSUMER_SHARE_OF_TARGET - len(first)
    consumer = consumer_orders(population, max(int(target), len(population)), seed)
    return first, consumer, restock_orders(population, consumer, seed)


def merge_sorted(parts: list[Orders]) -> Orders:
    """All orders in one, sorted by time, seller, buyer and amount (a seed-fixed order)."""
    merged = _concat(parts)
    order = np.lexsort((merged.amount, merged.buyer, merged.seller, merged.created))
    return Orders(**{name: getattr(merged, name)[order] for name in Orders.__dataclass_fields__})

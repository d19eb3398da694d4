"""Commissions: what each network's pay plan pays, to whom, and when.

Recruitment rewards are paid per recruit (source = the recruit) a few days after joining, up
several levels; retail, team overrides and platform incentives are settled monthly per payee.
Every reward is paid at or after the event that earned it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.simulator.families import FAMILIES
from training.simulator.forest import DAY
from training.simulator.population import Population, family_param, level_rates, months
from training.simulator.trade import Orders

KINDS = ("recruitment", "retail", "team", "other")  # codes index this tuple
RECRUITMENT, RETAIL, TEAM, OTHER = range(4)
STAGE_PAY = 21
SETTLEMENT = 30 * DAY


@dataclass(frozen=True)
class Commissions:
    """Commission rows as arrays (source -1 = none)."""

    payee: np.ndarray
    source: np.ndarray
    amount: np.ndarray
    kind: np.ndarray  # index into KINDS
    paid: np.ndarray  # seconds since start

    def __len__(self) -> int:
        return len(self.payee)


def _ancestors(parent: np.ndarray, nodes: np.ndarray, levels: int) -> list[np.ndarray]:
    """Ancestors 1..levels above each node (-1 past the root)."""
    out, current = [], nodes
    for _ in range(levels):
        current = np.where(current >= 0, parent[np.maximum(current, 0)], -1)
        out.append(current)
    return out


def recruitment_rewards(
    population: Population, first: Orders, rng: np.random.Generator
) -> Commissions:
    """Rewards for bringing in a recruit: a share of its fee and first stock, several levels up."""
    n = len(population)
    paid_in = population.entry_fee + np.bincount(first.buyer, weights=first.amount, minlength=n)
    rates = level_rates("recruit_rates")
    bonus = family_param("recruit_bonus")
    kind_code = np.array([KINDS.index(f.recruit_kind) for f in FAMILIES])
    recruit = np.flatnonzero(
        (population.parent >= 0) & ((rates.sum(1) > 0) | (bonus > 0))[population.habit]
    )
    habit = population.habit[recruit]
    parts = []
    for level, payee in enumerate(_ancestors(population.parent, recruit, rates.shape[1])):
        amount = paid_in[recruit] * rates[habit, level] + (bonus[habit] if level == 0 else 0.0)
        keep = (payee >= 0) & (amount >= 0.01)
        delay = rng.integers(0, 3 * DAY, int(keep.sum()))
        paid = np.minimum(population.joined[recruit[keep]] + delay, population.span - 1)
        parts.append(
            Commissions(
                payee[keep], recruit[keep], np.round(amount[keep], 2), kind_code[habit[keep]], paid
            )
        )
    return _concat(parts)


def _monthly(
    payee: np.ndarray, month: np.ndarray, amount: np.ndarray, kind: int, span: int
) -> Commissions:
    """Sum rewards per payee and settlement month, paid at the month's end (within the span)."""
    keep = payee >= 0
    width = int(month.max()) + 1 if len(month) else 1
    key = payee[keep] * width + month[keep]
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.round(np.bincount(inverse, weights=amount[keep]), 2)
    paid = np.minimum((unique % width + 1) * SETTLEMENT, span - 1)
    rows = total >= 0.01
    count = int(rows.sum())
    return Commissions(
        unique[rows] // width, np.full(count, -1), total[rows], np.full(count, kind), paid[rows]
    )


def sales_rewards(population: Population, consumer: Orders) -> list[Commissions]:
    """Retail commission on own consumer sales and team overrides on the downline's sales."""
    habit = population.habit[consumer.seller]
    month = months(consumer.created)
    parts = [
        _monthly(
            consumer.seller,
            month,
            consumer.amount * family_param("retail_rate")[habit],
            RETAIL,
            population.span,
        )
    ]
    rates = level_rates("team_sales_rates")
    for level, payee in enumerate(_ancestors(population.parent, consumer.seller, rates.shape[1])):
        parts.append(
            _monthly(payee, month, consumer.amount * rates[habit, level], TEAM, population.span)
        )
    return parts


def stock_rewards(population: Population, stock: Orders) -> list[Commissions]:
    """Team overrides (团队计酬) on the downline's stock purchases, above the selling sponsor."""
    habit = population.habit[stock.buyer]
    month = months(stock.created)
    rates = level_rates("team_stock_rates")
    uplines = _ancestors(population.parent, stock.buyer, rates.shape[1] + 1)[1:]
    return [
        _monthly(payee, month, stock.amount * rates[habit, level], TEAM, population.span)
        for level, payee in enumerate(uplines)
    ]


def incentives(population: Population, rng: np.random.Generator) -> Commissions:
    """Monthly platform incentives (kind other) to roots of families that get them."""
    monthly = family_param("other_monthly")[population.habit]
    root = np.flatnonzero((population.parent < 0) & (monthly > 0))
    first, last = months(population.joined[root]), months(population.active_end[root])
    counts = last - first + 1
    payee = np.repeat(root, counts)
    month = (
        np.repeat(first, counts)
        + np.arange(int(counts.sum()))
        - np.repeat(np.cumsum(counts) - counts, counts)
    )
    amount = monthly[payee] * rng.lognormal(0.0, 0.5, len(payee))
    return _monthly(payee, month, amount, OTHER, population.span)


def _concat(parts: list[Commissions]) -> Commissions:
    """One Commissions from several."""
    fields = Commissions.__dataclass_fields__
    return Commissions(
        **{name: np.concatenate([getattr(p, name) for p in parts]) for name in fields}
    )


def all_commissions(
    population: Population, first: Orders, consumer: Orders, stock: Orders, seed: int
) -> Commissions:
    """Every commission row, sorted by paid time, payee, kind and source."""
    rng = np.random.default_rng([seed, STAGE_PAY])
    parts = [recruitment_rewards(population, first, rng), *sales_rewards(population, consumer)]
    parts += [*stock_rewards(population, stock), incentives(population, rng)]
    merged = _concat(parts)
    order = np.lexsort((merged.amount, merged.source, merged.kind, merged.payee, merged.paid))
    return Commissions(
        **{name: getattr(merged, name)[order] for name in Commissions.__dataclass_fields__}
    )

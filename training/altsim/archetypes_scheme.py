"""Scheme-minded archetypes: plans whose money is meant to come from members' pay-ins."""

from __future__ import annotations

import numpy as np
from numpy.random import Generator

from training.altsim.archetypes import (
    Archetype,
    Floats,
    Growth,
    PlanColumns,
    chance,
    decaying_rates,
    kind_choice,
    pareto_size,
    uniform,
)
from training.altsim.plans import OTHER, RECRUITMENT, TEAM, complete, rate_grid

FAST = Growth(fill_days=(40, 300), branching=(0.6, 0.93), decay_days=(2, 10))


def scheme_size(rng: Generator, n: int) -> Floats:
    return pareto_size(rng, n, minimum=25.0, shape=1.15, cap=6000.0)


def _recruiting(rng: Generator, n: int) -> PlanColumns:
    """Members of schemes: a few very active recruiters, little real retail."""
    return {
        "drive_sigma": uniform(rng, 1.0, 1.6, n),
        "nonrecruiter_share": uniform(rng, 0.3, 0.6, n),
        "root_drive": uniform(rng, 5, 30, n),
        "attach_gamma": uniform(rng, 0.2, 0.8, n),
        "recency_tau": uniform(rng, 20, 90, n),
        "retail_rate_mean": uniform(rng, 0.0, 0.06, n),
        "pool_mean": uniform(rng, 3, 15, n),
        "name_set": rng.choice([1.0, 2.0, 3.0], n),
        "quit_base": uniform(rng, 0.001, 0.003, n),
        "loss_sens": uniform(rng, 0.3, 1.5, n),
        "collapse": chance(rng, 0.6, n),  # members flee once recruiting slumps
    }


def money_game(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """资金盘 / 拉人头: a fee to join, paid up the line per head; no product to speak of."""
    depth = rng.integers(3, 10, n)
    fee = price * uniform(rng, 3, 12, n)
    return {
        **_recruiting(rng, n),
        "entry_fee": fee,
        "fee_as_order": chance(rng, 0.4, n),
        "stock_based": 0.0,
        "retail_rate_mean": uniform(rng, 0.0, 0.005, n),
        **rate_grid("join_rate", decaying_rates(rng, n, uniform(rng, 0.2, 0.4, n), depth)),
        "kind_join": kind_choice(rng, n, (RECRUITMENT, OTHER), (0.7, 0.3)),
        "pay_period": rng.choice([1.0, 7.0], n),
    }


def binary_package(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """An entry package bought from the company, a binary pairing bonus on leg volume
    (reported as team commission), a direct-sponsor bonus, monthly autoship."""
    return {
        **_recruiting(rng, n),
        "entry_fee": price * uniform(rng, 2, 10, n),
        "fee_as_order": 1.0,
        "quota_units": rng.integers(1, 3, n).astype(float),
        "self_use_mean": uniform(rng, 0.01, 0.05, n),
        "discount_0": 0.25,
        "binary_rate": uniform(rng, 0.08, 0.15, n),
        "binary_cap": price * uniform(rng, 10, 40, n),
        "join_rate_0": uniform(rng, 0.05, 0.15, n),
        "kind_join": RECRUITMENT,
        "pay_period": 7.0,
    }


def matrix_cycler(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """A forced matrix: a bonus each time the positions below a member fill up."""
    width = rng.integers(2, 4, n)
    depth = rng.integers(2, 4, n)
    cycle = sum(np.where(k <= depth, width**k, 0) for k in (1, 2, 3))
    fee = price * uniform(rng, 1, 5, n)
    return {
        **_recruiting(rng, n),
        "entry_fee": fee,
        "fee_as_order": chance(rng, 0.5, n),
        "stock_based": 0.0,
        "matrix_width": width.astype(float),
        "matrix_depth": depth.astype(float),
        "matrix_bonus": fee * cycle * uniform(rng, 0.3, 0.6, n),
        "kind_matrix": kind_choice(rng, n, (RECRUITMENT, OTHER), (0.6, 0.4)),
        "join_rate_0": uniform(rng, 0.05, 0.2, n),
        "pay_period": rng.choice([1.0, 7.0, 30.0], n),
    }


def autoship_unilevel(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """A starter kit, a monthly purchase quota to stay qualified, overrides on the downline's
    purchases; members mostly buy for themselves; some fake retail (刷单)."""
    depth = rng.integers(4, 9, n)
    disguised = chance(rng, 0.4, n)
    return {
        **_recruiting(rng, n),
        "starter_0": rng.integers(3, 11, n).astype(float),
        "discount_0": uniform(rng, 0.2, 0.35, n),
        "quota_units": rng.integers(2, 7, n).astype(float),
        "self_use_mean": uniform(rng, 0.03, 0.12, n),
        "fake_rate_mean": disguised * uniform(rng, 0.02, 0.08, n),
        **rate_grid("purchase_rate", decaying_rates(rng, n, uniform(rng, 0.06, 0.12, n), depth)),
        "level_unlock": chance(rng, 0.5, n),
        "kind_purchase": TEAM,
        "pay_period": 30.0,
    }


def tiered_stock_push(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """微商 压货: levels bought with a first stock order from the sponsor, a monthly quota,
    income from selling stock down the line; sometimes a per-head reward; staged retail."""
    disguised = chance(rng, 0.5, n)
    head = chance(rng, 0.5, n) * price * uniform(rng, 0.5, 2, n)
    return {
        **_recruiting(rng, n),
        "supply_from_sponsor": 1.0,
        **{f"discount_{k}": d for k, d in enumerate((0.7, 0.6, 0.5, 0.4, 0.3))},
        **{f"starter_{k}": s for k, s in enumerate((300.0, 120.0, 50.0, 20.0, 8.0))},
        **{f"level_p_{k}": p for k, p in enumerate((0.02, 0.08, 0.2, 0.3, 0.4))},
        "quota_units": rng.integers(5, 21, n).astype(float),
        "self_use_mean": uniform(rng, 0.0, 0.05, n),
        "fake_rate_mean": disguised * uniform(rng, 0.03, 0.1, n),
        "head_bonus_0": head,
        "kind_join": kind_choice(rng, n, (OTHER, RECRUITMENT), (0.5, 0.5)),
        "pay_period": 30.0,
        "name_set": 1.0,
    }


def turned_branch(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """What a branch of a retail network turns into: an autoship or a stock-push plan, run
    by the branch leader, with an entry fee for newcomers."""
    autoship = complete(autoship_unilevel(rng, n, price), n)
    push = complete(tiered_stock_push(rng, n, price), n)
    pick = rng.random(n) < 0.5
    merged: PlanColumns = {k: np.where(pick, autoship[k], push[k]) for k in autoship}
    merged["root_drive"] = uniform(rng, 8, 20, n)
    merged["entry_fee"] = price * uniform(rng, 0.0, 3.0, n)
    return merged


SCHEME_ARCHETYPES = (
    Archetype("money_game", True, 0.15, scheme_size, FAST, money_game),
    Archetype("binary_package", True, 0.15, scheme_size, FAST, binary_package),
    Archetype("matrix_cycler", True, 0.1, scheme_size, FAST, matrix_cycler),
    Archetype("autoship_unilevel", True, 0.2, scheme_size, FAST, autoship_unilevel),
    Archetype("tiered_stock_push", True, 0.25, scheme_size, FAST, tiered_stock_push),
)

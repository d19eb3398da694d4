"""Retail-minded archetypes: plans whose money is meant to come from consumers. Several pay
multi-level commissions, charge a starter kit, push stock down deep trees or recruit virally:
the labelling rule, not the archetype, decides."""

from __future__ import annotations

from collections.abc import Callable

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
    lognormal_size,
    pareto_size,
    uniform,
)
from training.altsim.archetypes_scheme import turned_branch
from training.altsim.plans import OTHER, RECRUITMENT, TEAM, rate_grid

STEADY = Growth(fill_days=(200, 700), branching=(0.1, 0.5), decay_days=(3, 20))
VIRAL = Growth(fill_days=(10, 60), branching=(0.8, 0.97), decay_days=(1, 4))
BURSTY = Growth(fill_days=(60, 300), branching=(0.5, 0.8), decay_days=(2, 8))


def _retailing(rng: Generator, n: int, low: float, high: float) -> PlanColumns:
    """Members who sell to many consumers, some of them again and again; sales are very
    unequal (a few sell most, many sell almost nothing: the FTC's "most earn nothing")."""
    return {
        "retail_rate_mean": uniform(rng, low, high, n),
        "retail_sigma": uniform(rng, 0.8, 1.6, n),
        "pool_mean": uniform(rng, 30, 150, n),
        "repeat_skew": uniform(rng, 1.5, 4.0, n),
        "quit_base": uniform(rng, 0.0006, 0.0018, n),
        "loss_sens": 0.2,
        "drive_sigma": uniform(rng, 0.6, 1.1, n),
        "nonrecruiter_share": uniform(rng, 0.5, 0.8, n),
        "batch_days": uniform(rng, 20, 60, n),
    }


def direct_selling(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """Lawful direct selling: member discount, overrides on the downline's (resold) purchases,
    reorder only after selling (the 70 % rule), buyback of unsold stock; some charge a kit."""
    depth = rng.integers(3, 7, n)
    return {
        **_retailing(rng, n, 0.05, 0.2),
        "discount_0": uniform(rng, 0.2, 0.35, n),
        "starter_0": chance(rng, 0.4, n) * rng.integers(1, 4, n),
        "entry_fee": chance(rng, 0.1, n) * price * 0.3,
        **rate_grid("purchase_rate", decaying_rates(rng, n, uniform(rng, 0.03, 0.08, n), depth)),
        "level_unlock": 1.0,
        "kind_purchase": TEAM,
        "self_use_mean": uniform(rng, 0.0, 0.01, n),
        "buyback": chance(rng, 0.7, n),
        "pay_period": 30.0,
        "name_set": rng.choice([0.0, 2.0, 3.0], n),
    }


def tiered_retail_agents(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """A 微商 brand with agent levels bought by a first order, whose agents really sell."""
    return {
        **_retailing(rng, n, 0.08, 0.3),
        "supply_from_sponsor": 1.0,
        **{f"discount_{k}": d for k, d in enumerate((0.6, 0.5, 0.4, 0.3, 0.2))},
        **{f"starter_{k}": s for k, s in enumerate((60.0, 30.0, 12.0, 5.0, 2.0))},
        **{f"level_p_{k}": p for k, p in enumerate((0.03, 0.1, 0.2, 0.3, 0.37))},
        "name_set": 1.0,
    }


def wholesale_distribution(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """Distributors and sub-distributors many tiers deep, each with its own shop customers;
    the price depends on the tier; some require a minimum first order; no commissions."""
    minimum_order = chance(rng, 0.3, n) * uniform(rng, 10, 30, n)
    return {
        **_retailing(rng, n, 0.1, 0.4),
        "pool_mean": uniform(rng, 80, 300, n),
        "supply_from_sponsor": 1.0,
        "level_by_tier": 1.0,
        **{f"discount_{k}": d for k, d in enumerate((0.5, 0.42, 0.35, 0.28, 0.2))},
        **{f"starter_{k}": minimum_order for k in range(5)},
        "attach_gamma": 0.0,
        "recency_tau": uniform(rng, 10, 40, n),
        "root_drive": 1.0,
        "nonrecruiter_share": uniform(rng, 0.3, 0.5, n),
        "quit_base": uniform(rng, 0.0003, 0.001, n),
        "name_set": 4.0,
    }


def affiliate_program(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """A brand's affiliates earn a commission on the orders they refer (the brand sells and
    ships) and a small override on their sub-affiliates' referrals: two tiers of affiliates
    below the brand, no stock."""
    return {
        **_retailing(rng, n, 0.02, 0.2),
        "stock_based": 0.0,
        "seller_is_root": 1.0,
        "retail_rate": uniform(rng, 0.05, 0.2, n),
        "sale_rate_0": uniform(rng, 0.01, 0.05, n),
        "kind_sale": kind_choice(rng, n, (TEAM, OTHER), (0.6, 0.4)),
        "max_recruiter_tier": 1.0,
        "root_drive": uniform(rng, 20, 60, n),
        "root_retail": uniform(rng, 5, 30, n),
        "quit_base": uniform(rng, 0.001, 0.003, n),
        "pay_period": 30.0,
    }


def group_buying(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """社区团购: group leaders (团长) collect orders the platform fulfils, in bursts; a small
    bonus for bringing in a new leader and a small override on sub-leaders' groups."""
    return {
        **_retailing(rng, n, 0.15, 0.5),
        "pool_mean": uniform(rng, 100, 400, n),
        "stock_based": 0.0,
        "seller_is_root": 1.0,
        "retail_rate": uniform(rng, 0.05, 0.12, n),
        "head_bonus_0": price * uniform(rng, 0.1, 0.5, n),
        "kind_join": RECRUITMENT,
        "sale_rate_0": uniform(rng, 0.01, 0.02, n),
        "kind_sale": TEAM,
        "max_recruiter_tier": 2.0,
        "burst": uniform(rng, 0.2, 0.5, n),
        "pay_period": 7.0,
        "name_set": 5.0,
    }


def influencer_viral(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """An influencer's followers sign up as drop-ship sellers in viral cascades; the platform
    pays a small invite bonus per sign-up (no fee); most sell little and leave soon."""
    return {
        "stock_based": 0.0,
        "retail_rate_mean": uniform(rng, 0.005, 0.05, n),
        "pool_mean": uniform(rng, 3, 20, n),
        "head_bonus_0": price * uniform(rng, 0.05, 0.3, n),
        "head_bonus_1": chance(rng, 0.5, n) * price * uniform(rng, 0.02, 0.1, n),
        "kind_join": RECRUITMENT,
        "root_drive": uniform(rng, 50, 200, n),
        "root_retail": uniform(rng, 10, 50, n),
        "drive_sigma": uniform(rng, 1.2, 1.8, n),
        "nonrecruiter_share": uniform(rng, 0.6, 0.85, n),
        "recency_tau": uniform(rng, 3, 15, n),
        "quit_base": uniform(rng, 0.004, 0.01, n),
        "pay_period": rng.choice([1.0, 7.0], n),
    }


def shop(rng: Generator, n: int, price: Floats) -> PlanColumns:
    """An ordinary shop, sometimes with a handful of resellers buying stock from it."""
    return {
        **_retailing(rng, n, 0.05, 0.5),
        "pool_mean": uniform(rng, 100, 1000, n),
        "supply_from_sponsor": 1.0,
        "discount_0": uniform(rng, 0.15, 0.3, n),
        "root_drive": 1.0,
        "nonrecruiter_share": 1.0,
    }


def shop_size(rng: Generator, n: int) -> Floats:
    return np.where(rng.random(n) < 0.75, 1.0, rng.integers(2, 7, n).astype(float))


def _sized(median: float, sigma: float, cap: float) -> Callable[[Generator, int], Floats]:
    return lambda rng, n: lognormal_size(rng, n, median, sigma, cap)


LEGIT_ARCHETYPES = (
    Archetype("shop", False, 0.22, shop_size, STEADY, shop),
    Archetype("direct_selling", False, 0.2, _sized(60, 1.2, 5000), STEADY, direct_selling),
    Archetype(
        "tiered_retail_agents", False, 0.1, _sized(40, 1.0, 3000), STEADY, tiered_retail_agents
    ),
    Archetype(
        "wholesale_distribution", False, 0.12, _sized(30, 1.0, 3000), STEADY, wholesale_distribution
    ),
    Archetype("affiliate_program", False, 0.1, _sized(40, 1.2, 3000), STEADY, affiliate_program),
    Archetype("group_buying", False, 0.08, _sized(30, 1.0, 2000), BURSTY, group_buying),
    Archetype(
        "influencer_viral",
        False,
        0.18,
        lambda rng, n: pareto_size(rng, n, 40.0, 1.3, 5000.0),
        VIRAL,
        influencer_viral,
    ),
)
# A retail network one of whose branches turns into a scheme partway (the drift case): it
# draws from the scheme side of the budget because most of its growth happens in the branch.
DRIFTED = Archetype(
    "drifted_direct_selling",
    True,
    0.15,
    _sized(150, 1.0, 6000),
    STEADY,
    direct_selling,
    drift_plan=turned_branch,
)

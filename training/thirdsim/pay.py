"""Commissions: per-head bonuses up the chain, team overrides on the downline's purchases or
sales, retail commissions, and how each network reports them (its own ``kind`` words,
per event with a source or as weekly statements without one, or not at all)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.thirdsim.networks import Members
from training.thirdsim.trade import recipe_column


def _upline(members: Members, source: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, ...]:
    """(event row, payee, level) for every upline of each source up to its ``levels``."""
    rows, payees, depth = [], [], []
    current = source.copy()
    for level in range(1, int(levels.max(initial=0)) + 1):
        current = np.where(current >= 0, members.sponsor[np.maximum(current, 0)], -1)
        paid = (current >= 0) & (levels >= level)
        rows.append(np.flatnonzero(paid))
        payees.append(current[paid])
        depth.append(np.full(int(paid.sum()), level))
    if not rows:
        return (np.zeros(0, np.int64),) * 3
    return np.concatenate(rows), np.concatenate(payees), np.concatenate(depth)


def _rows(
    payee: np.ndarray,
    source: np.ndarray | int,
    amount: np.ndarray,
    day: np.ndarray,
    kind: np.ndarray | str,
) -> pd.DataFrame:
    """Pay in the generator's working columns (integer codes, float days)."""
    return pd.DataFrame(
        {
            "payee": np.asarray(payee, np.int64),
            "source": np.asarray(source, np.int64),
            "amount": np.round(np.asarray(amount, np.float64), 2),
            "day": np.asarray(day, np.float64),
            "kind": np.asarray(kind, dtype=object),
        }
    )


def head_bonuses(nets: pd.DataFrame, members: Members) -> pd.DataFrame:
    """A bonus for each new member to its uplines, halving per level (拉人头)."""
    recruit = np.flatnonzero(members.local > 0)
    levels = recipe_column(nets, members, "head_levels")[recruit]
    row, payee, level = _upline(members, recruit, levels)
    source = recruit[row]
    price = nets["price"].to_numpy()[members.network[source]]
    bonus = recipe_column(nets, members, "head_bonus")[source] * price / 2.0 ** (level - 1)
    kind = nets["head_kind"].to_numpy()[members.network[source]]
    return _rows(payee, source, bonus, members.joined[source] + 0.5, kind)


def team_overrides(nets: pd.DataFrame, members: Members, orders: pd.DataFrame) -> pd.DataFrame:
    """Overrides to the uplines of whoever bought stock (or, in lawful plans, sold retail)."""
    on_sales = recipe_column(nets, members, "team_on_sales")
    agent = orders["channel"].isin(("stock", "package")).to_numpy()
    source = np.where(agent, orders["buyer"].to_numpy(), orders["seller"].to_numpy())
    retail = orders["channel"].eq("consumer").to_numpy()
    eligible = np.where(on_sales[source], retail, agent) & ~orders["refunded"].to_numpy()
    chosen = np.flatnonzero(eligible)
    levels = recipe_column(nets, members, "team_levels")[source[chosen]]
    row, payee, level = _upline(members, source[chosen], levels)
    event = chosen[row]
    rate = recipe_column(nets, members, "team_rate")[source[event]] * 0.8 ** (level - 1)
    amount = rate * orders["amount"].to_numpy()[event]
    kind = nets["team_kind"].to_numpy()[members.network[source[event]]]
    return _rows(payee, source[event], amount, orders["day"].to_numpy()[event] + 1.0, kind)


def retail_commissions(nets: pd.DataFrame, members: Members, orders: pd.DataFrame) -> pd.DataFrame:
    """The plan's commission on a member's own genuine retail."""
    seller = orders["seller"].to_numpy()
    rate = recipe_column(nets, members, "retail_rate")[seller]
    chosen = (
        orders["channel"].eq("consumer").to_numpy() & (rate > 0) & ~orders["refunded"].to_numpy()
    )
    paid = seller[chosen]
    amount = rate[chosen] * orders["amount"].to_numpy()[chosen]
    return _rows(paid, -1, amount, orders["day"].to_numpy()[chosen] + 2.0, "retail")


def reported(nets: pd.DataFrame, members: Members, pay: pd.DataFrame, span: float) -> pd.DataFrame:
    """What the platform sees: nothing from networks that do not report; weekly statements
    (no source, one row per payee, kind and week) from those that pay weekly."""
    network = members.network[pay["payee"].to_numpy()]
    pay = pay[nets["reports"].to_numpy()[network] & (pay["amount"].to_numpy() > 0)]
    weekly = nets["weekly"].to_numpy()[members.network[pay["payee"].to_numpy()]]
    statements = (
        pay[weekly]
        .assign(week=lambda t: np.floor(t["day"] / 7.0))
        .groupby(["payee", "kind", "week"], as_index=False)["amount"]
        .sum()
        .assign(source=-1, day=lambda t: t["week"] * 7.0 + 9.0)
        .drop(columns="week")
    )
    together = pd.concat([pay[~weekly], statements], ignore_index=True)
    return together[together["day"] < span].sort_values(["day", "payee"], kind="stable")

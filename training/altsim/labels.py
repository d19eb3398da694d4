"""The labelling rule: an account is in a pyramid-style scheme when the *scope* it takes part
in (the accounts running one compensation plan: a network, or a branch that turned) meets the
legal elements, judged from what actually happened, not from which archetype generated it.

A scope is a scheme when all three hold:
1. pay-in: its plan makes members pay to join or to stay qualified: an entry fee or package,
   a mandatory first stock order, or a purchase quota (收取入门费; Koscot's "paying for the
   right to sell");
2. tiers: its participants span at least 3 recruitment tiers, organizer included (the
   multi-level structure; 3 tiers is also the criminal threshold's tier count);
3. money from participants, not consumers, either way:
   a. end-user share < 0.5: genuine consumer sales / (genuine consumer sales + fees and
      packages + retail value of stranded stock). Stranded: stock members used or hoarded
      themselves, "sold" in staged orders (刷单), held when they quit, or hold beyond 90
      days of their own consumer sales (Vemma: most revenue from non-participants;
      Herbalife: 80 % to real end users; the 70 % rule);
   b. join-pay share > 0.5: the share of the plan's payouts triggered by members joining
      (per-head bonuses, overrides on fees, packages and first stock orders, the join part
      of binary pairing volume, matrix cycles), whatever kind the platform reports
      (拉人头; EU UCPD Annex I 14: compensation derived primarily from bringing in others).
Within a scheme scope, an account takes part if it joined once the plan applied, or paid in
or was paid under it since; roles: ``organizer`` (the scope's root), ``recruiter`` (brought in
a member of the scope and was paid from the scope: commissions or stock sold to members),
``participant`` (the others). Every other account is ``legitimate``. The network size is not
an element (the administrative ban has no minimum); the criminal threshold (>= 30
participants and >= 3 tiers) is reported per scope as ``criminal_scale``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.altsim.ledger import CONSUMER, PACKAGE, STAGED, STOCK
from training.altsim.networks import ARCHETYPES
from training.altsim.plans import LEVELS
from training.altsim.world import World

END_USER_MINIMUM = 0.5
JOIN_PAY_MAXIMUM = 0.5
MIN_TIERS = 3
CRIMINAL_PARTICIPANTS = 30
SHELF_DAYS = 90  # stock an active member will sell within this many days is on its way


def agent_frame(world: World) -> pd.DataFrame:
    a, n = world.agents, world.agents.count
    scope_start = world.plans.col("scope_start")[a.plan[:n]]
    return pd.DataFrame(
        {
            "scope": a.plan[:n],
            "network": a.network[:n],
            "sponsor": a.sponsor[:n],
            "tier": a.tier[:n],
            "joined": a.joined[:n],
            "fee_paid": a.fee_paid[:n],
            "scope_start": scope_start,
            "network_root": a.sponsor[:n] < 0,
        }
    )


def scope_table(world: World, orders: pd.DataFrame, commissions: pd.DataFrame) -> pd.DataFrame:
    """Per scope: the measured elements and whether it is a scheme."""
    agents = agent_frame(world)
    taking_part = _taking_part(agents, orders, commissions)
    plans, scopes = world.plans, np.unique(agents["scope"])
    frame = pd.DataFrame(index=pd.Index(scopes, name="scope"))
    frame["root"] = plans.col("scope_root")[scopes].astype(np.int64)
    frame["family"] = [ARCHETYPES[int(f)].name for f in plans.col("family")[scopes]]
    frame["participants"] = taking_part.groupby(agents["scope"]).sum()
    root_tier = agents["tier"].to_numpy()[frame["root"].to_numpy()]
    depth = (agents["tier"] - agents["scope"].map(pd.Series(root_tier, index=scopes)))[taking_part]
    frame["tiers"] = depth.groupby(agents["scope"][taking_part]).max().reindex(scopes) + 1
    frame = frame.join(_money(world, agents, orders, commissions))
    frame["payin_required"] = _payin_required(world, scopes)
    frame["scheme"] = (
        frame["payin_required"]
        & (frame["tiers"] >= MIN_TIERS)
        & (
            (frame["end_user_share"] < END_USER_MINIMUM)
            | (frame["join_pay_share"] > JOIN_PAY_MAXIMUM)
        )
    )
    frame["criminal_scale"] = frame["scheme"] & (frame["participants"] >= CRIMINAL_PARTICIPANTS)
    return frame.fillna({"tiers": 0, "participants": 0})


def _after_start(frame: pd.DataFrame, agents: pd.DataFrame, who: str, when: str) -> pd.Series:
    """Rows whose event happened once the scope of ``who`` applied."""
    start = agents["scope_start"].to_numpy()[frame[who].to_numpy()]
    return frame[when].to_numpy() >= start


def _taking_part(
    agents: pd.DataFrame, orders: pd.DataFrame, commissions: pd.DataFrame
) -> pd.Series:
    """Joined once its plan applied, or bought or was paid under it since."""
    active = np.zeros(len(agents), dtype=bool)
    bought = orders[(orders["buyer"] >= 0)]
    bought = bought[_after_start(bought, agents, "buyer", "time")]
    active[bought["buyer"].to_numpy()] = True
    paid = commissions[_after_start(commissions, agents, "payee", "day")]
    active[paid["payee"].to_numpy()] = True
    joined_under = agents["joined"].to_numpy() >= agents["scope_start"].to_numpy()
    return pd.Series(joined_under | active, index=agents.index)


def _by_scope(scope: np.ndarray, who: pd.Series, values: pd.Series) -> pd.Series:
    """Sum ``values`` by the scope of the account ``who`` names."""
    return pd.Series(values.to_numpy()).groupby(scope[who.to_numpy().astype(np.int64)]).sum()


def _stranded_units(world: World, moved: pd.DataFrame, staged: pd.DataFrame) -> np.ndarray:
    """Per account: units that did not reach a consumer and are not on their way to one:
    used or hoarded itself, "sold" in staged orders, held when it quit, or held beyond
    ``SHELF_DAYS`` of its own sales (to consumers or, for a distributor, to its downline)
    while still active."""
    a, n = world.agents, world.agents.count
    sold = np.bincount(moved["seller"].to_numpy().astype(np.int64), moved["units"], n)
    end = np.where(a.active[:n], world.config.span_days, a.left[:n])
    rate = sold / np.maximum(end - a.joined[:n], 1.0)
    held = np.maximum(a.stock[:n], 0.0)
    held = np.where(a.active[:n], np.maximum(held - SHELF_DAYS * rate, 0.0), held)
    faked = np.bincount(staged["actor"].to_numpy().astype(np.int64), staged["units"], n)
    return np.where(a.sponsor[:n] >= 0, a.used[:n] + faked + held, 0.0)


def _money(
    world: World, agents: pd.DataFrame, orders: pd.DataFrame, commissions: pd.DataFrame
) -> pd.DataFrame:
    scope = agents["scope"].to_numpy()
    price = world.networks.price[agents["network"].to_numpy()]
    kept = orders[~orders["refunded"] & _after_start(orders, agents, "actor", "time")]
    genuine = kept[kept["kind"] == CONSUMER]
    moved = kept[kept["kind"].isin([CONSUMER, STOCK])]
    stranded = _stranded_units(world, moved, kept[kept["kind"] == STAGED]) * price
    packages = kept[kept["kind"] == PACKAGE]
    joined_under = agents[agents["joined"] >= agents["scope_start"]]
    fees = joined_under["fee_paid"].groupby(joined_under["scope"]).sum()
    join_pay = commissions["amount"] * commissions["join_share"]
    out = pd.DataFrame(
        {
            "consumer_sales": _by_scope(scope, genuine["actor"], genuine["amount"]),
            "fees_and_packages": fees.add(
                _by_scope(scope, packages["actor"], packages["amount"]), fill_value=0.0
            ),
            "stranded_stock": pd.Series(stranded).groupby(scope).sum(),
            "commissions": _by_scope(scope, commissions["payee"], commissions["amount"]),
            "join_pay": _by_scope(scope, commissions["payee"], join_pay),
        }
    ).fillna(0.0)
    inflow = out["consumer_sales"] + out["fees_and_packages"] + out["stranded_stock"]
    out["end_user_share"] = np.where(inflow > 0, out["consumer_sales"] / inflow.clip(1e-9), 1.0)
    pay = out["commissions"].clip(lower=1e-9)
    out["join_pay_share"] = np.where(out["commissions"] > 0, out["join_pay"] / pay, 0.0)
    return out


def _payin_required(world: World, scopes: np.ndarray) -> np.ndarray:
    plans = world.plans
    starter = (plans.grid("starter")[scopes][:, :LEVELS] > 0).any(axis=1)
    starter &= plans.col("stock_based")[scopes] > 0
    fee = plans.col("entry_fee")[scopes] > 0
    quota = (plans.col("quota_units")[scopes] > 0) & (plans.col("stock_based")[scopes] > 0)
    return np.asarray(fee | starter | quota)


def account_labels(
    world: World, scopes: pd.DataFrame, orders: pd.DataFrame, commissions: pd.DataFrame
) -> pd.DataFrame:
    """label, role, family and scope root per account row."""
    agents = agent_frame(world)
    part = _taking_part(agents, orders, commissions).to_numpy()
    scope = agents["scope"].to_numpy()
    scheme = scopes["scheme"].reindex(scope).to_numpy() & part
    rows = np.arange(len(agents))
    root = scopes["root"].reindex(scope).to_numpy()
    sponsor = agents["sponsor"].to_numpy()
    recruited = np.zeros(len(agents), dtype=bool)
    inner = (sponsor >= 0) & (scope == scope[np.maximum(sponsor, 0)])
    recruited[sponsor[inner]] = True
    earned = np.zeros(len(agents), dtype=bool)
    earned[commissions["payee"].to_numpy()] = True
    stock = orders[(orders["kind"] == STOCK) & (orders["buyer"] >= 0)]
    same = scope[stock["seller"].to_numpy()] == scope[stock["buyer"].to_numpy()]
    earned[stock["seller"].to_numpy()[same]] = True
    role = np.where(recruited & earned, "recruiter", "participant")
    role = np.where(rows == root, "organizer", role)
    family = [ARCHETYPES[int(f)].name for f in world.networks.archetype]
    return pd.DataFrame(
        {
            "label": scheme.astype(np.int8),
            "role": np.where(scheme, role, "legitimate"),
            "family": np.asarray(family, dtype=object)[agents["network"].to_numpy()],
            "scope_root": root,
        }
    )

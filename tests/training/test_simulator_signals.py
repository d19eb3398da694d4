"""Obvious per-account signals straight from a snapshot (helpers for the simulator tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.snapshot import Snapshot


def _walk_up(accounts: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(tier, network root, downline size) per account, by walking sponsor chains."""
    sponsor = accounts.set_index("account_id")["sponsor_id"]
    tier = pd.Series(0, index=sponsor.index)
    root = pd.Series(sponsor.index, index=sponsor.index, dtype="str")
    current = sponsor.copy()
    ancestors = []
    while current.notna().any():
        alive = current.notna()
        tier[alive] += 1
        root[alive] = current[alive]
        ancestors.append(current[alive].to_numpy())
        current = current.map(sponsor).where(alive)
    every = pd.Series(np.concatenate(ancestors)) if ancestors else pd.Series([], dtype="str")
    downline = every.value_counts().reindex(sponsor.index, fill_value=0)
    return tier, root, downline


def account_signals(snapshot: Snapshot) -> pd.DataFrame:
    """One row per labelled account: single signals and a few more, plus label and network."""
    accounts, orders, commissions = snapshot.accounts, snapshot.orders, snapshot.commissions
    tier, root, downline = _walk_up(accounts)
    joined = accounts.set_index("account_id")["joined_at"]
    buyer_joined = orders["buyer_id"].map(joined)
    agent = buyer_joined.notna() & (buyer_joined <= orders["created_at"])
    sales = orders.assign(agent=agent, agent_amount=orders["amount"].where(agent, 0.0))
    by_seller = sales.groupby("seller_id").agg(
        sold=("amount", "sum"), sold_to_agents=("agent_amount", "sum")
    )
    consumer = (
        sales[~agent]
        .groupby("seller_id")
        .agg(consumer_orders=("amount", "size"), consumers=("buyer_id", "nunique"))
    )
    bought = sales[agent].groupby("buyer_id")["amount"].sum()
    income = commissions.groupby("payee_id")["amount"].sum()
    recruit = commissions[commissions["kind"] == "recruitment"].groupby("payee_id")["amount"].sum()
    frame = pd.DataFrame(index=accounts["account_id"].to_numpy())
    frame["tier"] = tier
    frame["downline_size"] = downline
    frame["entry_fee"] = accounts.set_index("account_id")["entry_fee"]
    frame["agent_sales_share"] = (by_seller["sold_to_agents"] / by_seller["sold"]).reindex(
        frame.index
    )
    frame["recruitment_commission_share"] = (recruit / income).reindex(frame.index)
    frame["stock_bought"] = bought.reindex(frame.index)
    frame["consumer_orders"] = consumer["consumer_orders"].reindex(frame.index)
    frame["repeat_ratio"] = consumer["consumer_orders"] / consumer["consumers"]
    frame["income"] = income.reindex(frame.index)
    frame["sold"] = by_seller["sold"].reindex(frame.index)
    frame = frame.fillna(0.0)
    frame["left"] = accounts.set_index("account_id")["left_at"].notna().astype(float)
    frame["network"] = root
    net = frame.groupby("network")
    frame["network_size"] = net["tier"].transform("size")
    frame["network_depth"] = net["tier"].transform("max")
    frame["network_agent_share"] = net["agent_sales_share"].transform("mean")
    frame["network_fee"] = net["entry_fee"].transform("mean")
    frame["network_consumer_orders"] = net["consumer_orders"].transform("mean")
    frame["network_repeat"] = net["repeat_ratio"].transform("mean")
    frame["network_left"] = net["left"].transform("mean")
    labels = snapshot.labels.set_index("account_id")
    frame["label"] = labels["label"]
    frame["family"] = labels["family"]
    frame["role"] = labels["role"]
    return frame

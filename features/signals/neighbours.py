"""Neighbour aggregates: a few key signals summed or averaged over the accounts around one.

Tree models over neighbour aggregates beat graph neural networks on fraud graphs (GADBench; IBM
Graph Feature Preprocessor): a quiet organizer is judged by what its downline does, a small
account by the chain above it and the branch it is in. Four neighbourhoods:

- the upline chain: the sponsors 1 to ``UPLINE_HOPS`` links above (fewer near the top; a root,
  with nobody above, takes its own value), averaged;
- the direct recruits;
- the downline: every account below, the account itself excluded, pooled (ratios of sums);
- the top-level branch: the tier-1 upline's team (a tier-1 account's own; for a root, the whole
  network), head included, pooled, as ``branch_loss_share`` counts it.

The signals aggregated: the recruitment share of pay (拉人头), the consumer sales share, the entry
cost (fee + stock bought within 30 days of joining, in the network's typical orders: 入门费), the
share of consumer sales to buyer ids shared across the network (刷单), and losing money. All are
free of price level and network size, and computed within the account's network only.

Beside them, the **end-user share** of the account with its downline, of its branch and of its
network: where the money that comes in ends up (Vemma: most revenue from non-participants;
Herbalife: 80 % to end users; Koscot). Money in from end users = consumer sales to buyer ids not
shared across the network; money in from participants = entry fees + the stock they bought and
never sold on (used, hoarded or stranded: the value of the units bought beyond the units sold).
Stock passed down a distribution chain counts once, where it stops; a lawful wholesale chain
whose stock reaches consumers keeps a high share however many tiers it has.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.graph import Forest
from features.signals.structure import ratio, sum_by
from features.signals.tables import PointInTime

UPLINE_HOPS = 3  # the sponsor, its sponsor and one more: the tiers a 微商 agent deals with


def upline_mean(forest: Forest, values: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over each account's sponsors 1..UPLINE_HOPS links up; a root's own."""
    chain = forest.uplines(UPLINE_HOPS)
    above = chain >= 0
    values = np.asarray(values, dtype=np.float64)
    total = np.where(above, values[np.maximum(chain, 0)], 0.0).sum(axis=0)
    count = above.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), values)


def held_stock(base: pd.DataFrame) -> np.ndarray:
    """Value (integer units) of the stock each account bought as an agent and has not sold on:
    its purchases times the share of the units bought beyond the units sold."""
    sold_share = ratio(base["_units_sold"].to_numpy(), base["_units_bought"].to_numpy(), 1.0)
    unsold = 1.0 - np.minimum(sold_share, 1.0)
    return np.rint(base["stock_purchases_amount"].to_numpy() * unsold).astype(np.int64)


def end_user_shares(forest: Forest, base: pd.DataFrame) -> dict[str, np.ndarray]:
    """End-user money / all money in, for the account with its downline, its top-level branch
    and its network; 1 where no money came in at all (nothing was asked of anyone)."""
    end_users = base["consumer_sales_amount"].to_numpy() - base["_shared_consumer_sales"].to_numpy()
    participants = base["entry_fee"].to_numpy() + held_stock(base)
    team_end, team_in = forest.subtree_sum(end_users), forest.subtree_sum(participants)
    head = forest.branch_head()
    network_end = forest.network_sum(end_users.astype(np.float64))
    network_in = forest.network_sum(participants.astype(np.float64))
    return {
        "end_user_share": ratio(team_end, team_end + team_in, 1.0),
        "branch_end_user_share": ratio(team_end[head], team_end[head] + team_in[head], 1.0),
        "network_end_user_share": ratio(network_end, network_end + network_in, 1.0),
    }


def neighbours_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Upline-chain means, direct-recruit and downline shares, and branch shares of the key
    signals."""
    forest = pit.forest
    typical = base["_typical_order"].to_numpy()
    cost = base["entry_fee"].to_numpy() + base["first_stock_purchase_amount"].to_numpy()
    losing = (base["net_gain_amount"].to_numpy() < 0).astype(np.int64)
    recruitment = base["recruitment_commission_amount"].to_numpy()
    commission = base["total_commission_amount"].to_numpy()
    downline_size = base["downline_size"].to_numpy()
    recruit = np.flatnonzero(forest.parent >= 0)
    head = forest.branch_head()
    return pd.DataFrame(
        {
            "upline_recruitment_commission_share": upline_mean(
                forest, base["recruitment_commission_share"].to_numpy()
            ),
            "upline_consumer_sales_share": upline_mean(
                forest, base["consumer_sales_share"].to_numpy()
            ),
            "upline_entry_cost_to_typical_order": upline_mean(forest, ratio(cost, typical)),
            "upline_shared_buyer_sales_share": upline_mean(
                forest, base["shared_buyer_sales_share"].to_numpy()
            ),
            "recruits_loss_share": ratio(
                sum_by(forest.parent[recruit], losing[recruit], pit.size),
                base["direct_recruits"].to_numpy(),
            ),
            "downline_loss_share": ratio(forest.downline_sum(losing), downline_size),
            "downline_recruitment_commission_share": ratio(
                forest.downline_sum(recruitment), forest.downline_sum(commission)
            ),
            "downline_mean_entry_cost_to_typical_order": ratio(
                ratio(forest.downline_sum(cost), downline_size), typical
            ),
            "branch_consumer_sales_share": base["downline_consumer_sales_share"].to_numpy()[head],
            "branch_recruitment_commission_share": ratio(
                forest.subtree_sum(recruitment)[head], forest.subtree_sum(commission)[head]
            ),
            "branch_mean_entry_cost_to_typical_order": ratio(
                ratio(forest.subtree_sum(cost)[head], forest.subtree_size[head]), typical
            ),
            **end_user_shares(forest, base),
        },
        index=base.index,
    )

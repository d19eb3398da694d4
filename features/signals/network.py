"""Network-level signals: the whole tree around the account.

A small account inside a pyramid is judged in context: every member of a network gets the same
values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import ratio
from features.signals.tables import MICROS_PER_DAY, PointInTime

TOP_SHARE = 0.01  # "top 1%" of a network's members, at least one member


def _network_total(pit: PointInTime, values: np.ndarray) -> np.ndarray:
    """Exact network sums of integer values, broadcast to every member."""
    return np.rint(pit.forest.network_sum(values.astype(np.float64))).astype(np.int64)


def _income_concentration(pit: PointInTime, income: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gini coefficient of income within each network and the top 1% of members' share."""
    root = pit.forest.root
    order = np.lexsort((income, root))  # by network, then income ascending
    network, earned = root[order], income[order].astype(np.float64)
    members = np.bincount(root, minlength=pit.size)
    first = np.cumsum(members) - members  # position of each network's first member in ``order``
    rank = np.arange(len(order)) - first[network]  # 0 = poorest within the network
    total = np.bincount(network, weights=earned, minlength=pit.size)
    weighted = np.bincount(network, weights=(rank + 1) * earned, minlength=pit.size)
    count = np.maximum(members, 1).astype(np.float64)
    gini = ratio(2.0 * weighted, count * total) - np.where(total > 0, (count + 1) / count, 0.0)
    top_k = np.ceil(TOP_SHARE * members)
    is_top = members[network] - rank <= top_k[network]
    top = np.bincount(network[is_top], weights=earned[is_top], minlength=pit.size)
    return np.maximum(gini, 0.0)[root], ratio(top, total)[root]


def _branch_share(pit: PointInTime, members: np.ndarray) -> np.ndarray:
    """Share of the accounts of each account's top-level branch that are ``members``."""
    head = pit.forest.branch_head()
    inside = pit.forest.subtree_sum(members.astype(np.int64))
    return ratio(inside[head], pit.forest.subtree_size[head])


def network_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Network consumer-sales share, entry fees, income concentration, churn, losers (also in
    the account's top-level branch, where a scheme grown inside a legitimate network shows),
    growth."""
    consumer = base["consumer_sales_amount"].to_numpy()
    sales = consumer + base["agent_sales_amount"].to_numpy()
    members = base["network_size"].to_numpy()
    gini, top_share = _income_concentration(pit, base["_income"].to_numpy())
    recent = pit.joined_us > pit.as_of_us - 90 * MICROS_PER_DAY
    losing = base["net_gain_amount"].to_numpy() < 0
    return pd.DataFrame(
        {
            "network_consumer_sales_share": ratio(
                _network_total(pit, consumer), _network_total(pit, sales)
            ),
            "network_entry_fees": _network_total(pit, pit.entry_fee),
            "network_recruitment_commission_amount": _network_total(
                pit, base["recruitment_commission_amount"].to_numpy()
            ),
            "network_income_gini": gini,
            "network_top1_income_share": top_share,
            "network_churn_share": ratio(_network_total(pit, pit.left), members),
            "network_loss_share": ratio(_network_total(pit, losing), members),
            "branch_loss_share": _branch_share(pit, losing),
            "network_recruits_90d": _network_total(pit, recent),
        }
    )

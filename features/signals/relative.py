"""Money in units of the network's own typical order: free of price level and currency.

A 300-yuan entry fee and a 40-dollar one mean the same thing when the products cost 80 yuan
or 10 dollars: what matters is how many ordinary orders the fee, the first stock order or the
commissions are worth. The unit is the median order amount among the orders sold by members of
the account's network, so the values depend only on the network's own rows (the Spark engine
computes features one network group at a time) and not on the currency of the platform.

Entry costs (入门费 plus the stock bought within 30 days of joining, the mandatory first order) are
priced the same way, per member of the network and per direct recruit: what it cost to join.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import ratio, sum_by
from features.signals.tables import NOT_AN_ACCOUNT, PointInTime

# money feature (integer units in the signal tables) -> its price-level-free counterpart
RELATIVE_OF = {
    "consumer_sales_amount": "consumer_sales_to_typical_order",
    "downline_sales_amount": "downline_sales_to_typical_order",
    "agent_sales_amount": "agent_sales_to_typical_order",
    "stock_purchases_amount": "stock_purchases_to_typical_order",
    "first_stock_purchase_amount": "first_stock_purchase_to_typical_order",
    "downline_stock_purchases_amount": "downline_stock_purchases_to_typical_order",
    "entry_fee": "entry_fee_to_typical_order",
    "downline_entry_fees": "downline_entry_fees_to_typical_order",
    "total_commission_amount": "total_commission_to_typical_order",
    "recruitment_commission_amount": "recruitment_commission_to_typical_order",
    "team_commission_amount": "team_commission_to_typical_order",
    "retail_commission_amount": "retail_commission_to_typical_order",
    "net_gain_amount": "net_gain_to_typical_order",
    "network_entry_fees": "network_entry_fees_to_typical_order",
    "network_recruitment_commission_amount": "network_recruitment_commission_to_typical_order",
}


def _network_median(pit: PointInTime, chosen: np.ndarray) -> np.ndarray:
    """Median amount (units) of the chosen orders sold in each network, per account; 0 if none."""
    root = pit.forest.root
    network = root[pit.orders["seller"].to_numpy()[chosen]]
    amount = pit.orders["amount"].to_numpy()[chosen]
    order = np.lexsort((amount, network))
    network, amount = network[order], amount[order].astype(np.float64)
    count = np.bincount(network, minlength=pit.size)
    first = np.cumsum(count) - count
    low = first + (count - 1) // 2
    high = first + count // 2
    has = count > 0
    median = np.zeros(pit.size, dtype=np.float64)
    median[has] = (amount[low[has]] + amount[high[has]]) / 2.0
    return median[root]


def network_typical_order(pit: PointInTime) -> np.ndarray:
    """The retail price level of each account's network: the median consumer order (units);
    the median of all its orders when it made no consumer sale; 0 when it sold nothing."""
    consumer = (pit.orders["buyer"].to_numpy() == NOT_AN_ACCOUNT) & ~pit.orders[
        "refunded"
    ].to_numpy()
    retail = _network_median(pit, consumer)
    return np.where(retail > 0, retail, _network_median(pit, np.ones(len(consumer), dtype=bool)))


def _entry_costs(
    pit: PointInTime, base: pd.DataFrame, typical: np.ndarray
) -> dict[str, np.ndarray]:
    """Mean entry cost (fee + first stock order) per network member and per direct recruit."""
    forest = pit.forest
    cost = pit.entry_fee + base["first_stock_purchase_amount"].to_numpy()
    per_member = ratio(forest.network_sum(cost.astype(np.float64)), base["network_size"].to_numpy())
    recruit = np.flatnonzero(forest.parent >= 0)
    recruits_paid = sum_by(forest.parent[recruit], cost[recruit], pit.size)
    per_recruit = ratio(recruits_paid, base["direct_recruits"].to_numpy())
    return {
        "network_mean_entry_cost_to_typical_order": ratio(per_member, typical),
        "recruits_mean_entry_cost_to_typical_order": ratio(per_recruit, typical),
    }


def relative_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Each money signal and the entry costs divided by its network's typical order (0 where
    nothing was sold); ``_typical_order`` (units) for the groups that price more amounts."""
    typical = network_typical_order(pit)
    relative = {new: ratio(base[old].to_numpy(), typical) for old, new in RELATIVE_OF.items()}
    return pd.DataFrame(
        {**relative, **_entry_costs(pit, base, typical), "_typical_order": typical},
        index=base.index,
    )

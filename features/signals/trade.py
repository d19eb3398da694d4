"""Inventory pushed versus consumer sales (压货 versus retail), from the orders table.

Refunded orders are excluded from every sales, purchase and consumer figure (the goods came
back) and counted only in ``refund_share``. Money columns are integer units here (see
``tables.MONEY_SCALE``); ``build`` converts them to currency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import count_by, ratio, sum_by
from features.signals.tables import MICROS_PER_DAY, NOT_AN_ACCOUNT, PointInTime

FIRST_ORDER_DAYS = 30  # purchases this soon after joining count as the mandatory first order


def _consumer_mix(pit: PointInTime, sales: pd.DataFrame) -> dict[str, np.ndarray]:
    """Unique consumers, the share who came back, and the biggest consumer's share of sales."""
    n = pit.size
    seller = sales["seller"].to_numpy()
    consumers = int(sales["consumer"].max()) + 1 if len(sales) else 1
    pair = seller * consumers + sales["consumer"].to_numpy()  # one int64 key per (seller, buyer)
    amount = pd.Series(sales["amount"].to_numpy(dtype=np.float64))
    per_pair = amount.groupby(pair, sort=False).agg(["size", "sum"])
    pair_seller = per_pair.index.to_numpy() // consumers
    unique_consumers = count_by(pair_seller, n)
    repeat = count_by(pair_seller[per_pair["size"].to_numpy() >= 2], n)
    top_amount = np.zeros(n, dtype=np.float64)
    np.maximum.at(top_amount, pair_seller, per_pair["sum"].to_numpy())
    consumer_total = sum_by(sales["seller"].to_numpy(), sales["amount"].to_numpy(), n)
    return {
        "unique_consumers": unique_consumers,
        "repeat_consumer_share": ratio(repeat, unique_consumers),
        "top_consumer_share": ratio(top_amount, consumer_total),
    }


def trade_signals(pit: PointInTime) -> pd.DataFrame:
    """Sales to consumers and to agents, stock bought, sell-through, consumers, refunds."""
    n, forest, orders = pit.size, pit.forest, pit.orders
    seller, buyer = orders["seller"].to_numpy(), orders["buyer"].to_numpy()
    amount, quantity = orders["amount"].to_numpy(), orders["quantity"].to_numpy()
    refunded = orders["refunded"].to_numpy()
    kept = ~refunded
    is_agent = buyer != NOT_AN_ACCOUNT
    consumer_sale = kept & ~is_agent
    purchase = kept & is_agent
    to_downline = np.zeros(len(orders), dtype=bool)
    to_downline[purchase] = forest.in_downline(seller[purchase], buyer[purchase])
    soon = orders["created_us"].to_numpy() - pit.joined_us[np.maximum(buyer, 0)]
    first_order = purchase & (soon <= FIRST_ORDER_DAYS * MICROS_PER_DAY)

    consumer_sales = sum_by(seller[consumer_sale], amount[consumer_sale], n)
    agent_sales = sum_by(seller[purchase], amount[purchase], n)
    stock = sum_by(buyer[purchase], amount[purchase], n)
    units_sold = sum_by(seller[kept], quantity[kept], n)
    units_bought = sum_by(buyer[purchase], quantity[purchase], n)
    subtree_consumer = forest.subtree_sum(consumer_sales)
    frame = pd.DataFrame(
        {
            "consumer_sales_amount": consumer_sales,
            "downline_sales_amount": sum_by(seller[to_downline], amount[to_downline], n),
            "agent_sales_amount": agent_sales,
            "consumer_sales_share": ratio(consumer_sales, consumer_sales + agent_sales),
            "stock_purchases_amount": stock,
            "stock_purchase_count": count_by(buyer[purchase], n),
            "first_stock_purchase_amount": sum_by(buyer[first_order], amount[first_order], n),
            # Nothing bought, nothing left unsold: 1.0 (the 70% rule is met trivially).
            "sell_through_ratio": ratio(units_sold, units_bought, when_zero=1.0),
            "refund_share": ratio(
                sum_by(seller[refunded], amount[refunded], n), sum_by(seller, amount, n)
            ),
            "downline_consumer_sales_share": ratio(
                subtree_consumer, subtree_consumer + forest.subtree_sum(agent_sales)
            ),
            "downline_stock_purchases_amount": forest.downline_sum(stock),
            "_units_sold": units_sold,
            "_units_bought": units_bought,
        }
    )
    mix = _consumer_mix(pit, orders.loc[consumer_sale, ["seller", "consumer", "amount"]])
    return frame.assign(**mix)

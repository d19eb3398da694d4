"""The features people read about an account; each run stores their population percentiles."""

from __future__ import annotations

# The handful of signals a moderator reads first (the API's account view): structure,
# recruiting, where sales go, money.
KEY_FEATURES: tuple[str, ...] = (
    "tier",
    "direct_recruits",
    "downline_size",
    "recruits_30d",
    "consumer_sales_share",
    "downline_sales_amount",
    "stock_purchases_amount",
    "sell_through_ratio",
    "entry_fee",
    "recruitment_commission_share",
    "income_from_downline_share",
    "downline_churn_share",
    "network_size",
)
# The console's orders-and-sales summary: what the scoring run kept about the account's orders
# (the raw orders are not in the store).
SALES_FEATURES: tuple[str, ...] = (
    "consumer_sales_amount",
    "downline_sales_amount",
    "agent_sales_amount",
    "consumer_sales_share",
    "stock_purchases_amount",
    "stock_purchase_count",
    "sell_through_ratio",
    "unique_consumers",
    "repeat_consumer_share",
    "top_consumer_share",
    "refund_share",
)
SHOWN_FEATURES: tuple[str, ...] = tuple(dict.fromkeys(KEY_FEATURES + SALES_FEATURES))

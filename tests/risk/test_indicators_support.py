"""Hand-made feature rows for the indicator tests (no tests here: shared helpers)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from risk.indicators import IndicatorParams, evaluate_indicators, fired_matrix
from risk.indicators.wording import worded_indicator

# A legitimate independent shop: no upline, no downline, no fees, no commissions, only retail.
SHOP: dict[str, Any] = {
    "network_id": "shop",
    "tier": 0,
    "direct_recruits": 0,
    "downline_size": 0,
    "downline_depth": 0,
    "network_size": 1,
    "network_depth": 0,
    "recruits_7d": 0,
    "recruits_30d": 0,
    "recruits_90d": 0,
    "downline_growth_90d": 0.0,
    "consumer_sales_amount": 0.0,
    "downline_sales_amount": 0.0,
    "consumer_sales_share": 0.0,
    "stock_purchases_amount": 0.0,
    "stock_purchase_count": 0,
    "first_stock_purchase_amount": 0.0,
    "sell_through_ratio": 0.0,
    "unique_consumers": 0,
    "repeat_consumer_share": 0.0,
    "entry_fee": 0.0,
    "downline_entry_fees": 0.0,
    "network_entry_fees": 0.0,
    "total_commission_amount": 0.0,
    "recruitment_commission_amount": 0.0,
    "team_commission_amount": 0.0,
    "retail_commission_amount": 0.0,
    "recruitment_commission_share": 0.0,
    "income_from_downline_share": 0.0,
    "pay_to_consumer_sales_ratio": 0.0,
    "downline_consumer_sales_share": 0.0,
    "network_consumer_sales_share": 0.0,
    "downline_churn_share": 0.0,
    "network_churn_share": 0.0,
    "is_active": True,
}


def rows(*overrides: dict[str, Any]) -> pd.DataFrame:
    """A feature table of SHOP rows with per-row overrides, indexed by account_id a0, a1, ..."""
    records = [{**SHOP, **o} for o in overrides]
    index = pd.Index([f"a{i}" for i in range(len(records))], name="account_id")
    frame = pd.DataFrame.from_records(records, index=index)
    return frame.astype({"network_id": "str"})


def fires(rule_id: str, params: IndicatorParams | None = None, /, **override: Any) -> bool:
    """Whether ``rule_id`` fires on one SHOP row with ``override``."""
    return bool(fired_matrix(rows(override), params).iloc[0][rule_id])


def indicator(rule_id: str, lang: str = "en", /, **override: Any) -> dict[str, Any]:
    """The indicator of ``rule_id`` for one SHOP row with ``override`` (it must fire), worded
    in ``lang`` as a reader gets it (title and text added to the stored data)."""
    items = evaluate_indicators(rows(override)).iloc[0]
    item = next(item for item in items if item["rule_id"] == rule_id)
    return worded_indicator(item, lang)  # type: ignore[arg-type]

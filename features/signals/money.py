"""Money flow: entry fees, the commission mix and where the account's income comes from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import ratio, sum_by
from features.signals.tables import PointInTime

PAY_RATIO_CAP = 100.0  # pay with no consumer sales at all: the ratio is capped, not infinite
KINDS = ("recruitment", "team", "retail")


def _commissions_by_kind(pit: PointInTime) -> dict[str, np.ndarray]:
    """Commission units received per account: in total and for each plan kind."""
    payee = pit.commissions["payee"].to_numpy()
    amount = pit.commissions["amount"].to_numpy()
    kind = pit.commissions["kind"].to_numpy()
    paid = {"total": sum_by(payee, amount, pit.size)}
    for name in KINDS:
        chosen = kind == name
        paid[name] = sum_by(payee[chosen], amount[chosen], pit.size)
    return paid


def money_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Entry fees (own and downline), commissions by kind, income mix, pay ratio, net gain."""
    paid = _commissions_by_kind(pit)
    consumer = base["consumer_sales_amount"].to_numpy()
    sales = consumer + base["agent_sales_amount"].to_numpy()
    income = sales + paid["total"]
    from_downline = base["downline_sales_amount"].to_numpy() + paid["recruitment"] + paid["team"]
    # Pay without any consumer sale breaks the 30% rule outright: cap instead of infinity.
    pay_ratio = np.minimum(ratio(paid["total"], consumer, when_zero=PAY_RATIO_CAP), PAY_RATIO_CAP)
    pay_ratio = np.where(paid["total"] == 0, 0.0, pay_ratio)
    spent = base["stock_purchases_amount"].to_numpy() + pit.entry_fee
    return pd.DataFrame(
        {
            "entry_fee": pit.entry_fee,
            "downline_entry_fees": pit.forest.downline_sum(pit.entry_fee),
            "total_commission_amount": paid["total"],
            "recruitment_commission_amount": paid["recruitment"],
            "team_commission_amount": paid["team"],
            "retail_commission_amount": paid["retail"],
            "recruitment_commission_share": ratio(paid["recruitment"], paid["total"]),
            "team_commission_share": ratio(paid["team"], paid["total"]),
            "income_from_downline_share": ratio(from_downline, income),
            "pay_to_consumer_sales_ratio": pay_ratio,
            "net_gain_amount": income - spent,
            "_income": income,
        }
    )

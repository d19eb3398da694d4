"""Hand-built networks with hand-computed feature values (and the helpers that build them)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from features.build import assert_finite, build_features
from features.snapshot import Snapshot

Account = tuple[str, str | None, str, float, str | None]  # id, sponsor, joined, fee, left
Order = tuple[str, str, str, float, int, bool]  # seller, buyer, created, amount, quantity, refunded
Commission = tuple[str, float, str, str]  # payee, amount, kind, paid


def _times(values: Sequence[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True)).astype("datetime64[us, UTC]")


def _ids(values: Sequence[str | None]) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def make_snapshot(
    accounts: Sequence[Account],
    orders: Sequence[Order] = (),
    commissions: Sequence[Commission] = (),
) -> Snapshot:
    """An in-memory snapshot with the canonical dtypes of ``features.snapshot``."""
    ids, sponsors, joined, fees, left = zip(*accounts, strict=True) if accounts else ((),) * 5
    accounts_frame = pd.DataFrame(
        {
            "account_id": _ids(ids),
            "sponsor_id": _ids(sponsors),
            "joined_at": _times(joined),
            "entry_fee": np.asarray(fees, dtype=np.float64),
            "left_at": _times(left),
            "region": _ids(["CN-GD"] * len(ids)),
            "declared_level": _ids([""] * len(ids)),
        }
    )
    sellers, buyers, created, amounts, quantities, refunded = (
        zip(*orders, strict=True) if orders else ((),) * 6
    )
    orders_frame = pd.DataFrame(
        {
            "order_id": _ids([f"o{i}" for i in range(len(orders))]),
            "seller_id": _ids(sellers),
            "buyer_id": _ids(buyers),
            "created_at": _times(created),
            "amount": np.asarray(amounts, dtype=np.float64),
            "quantity": np.asarray(quantities, dtype=np.int64),
            "refunded": np.asarray(refunded, dtype=bool),
        }
    )
    payees, paid, kinds, paid_at = zip(*commissions, strict=True) if commissions else ((),) * 4
    commissions_frame = pd.DataFrame(
        {
            "payee_id": _ids(payees),
            "source_id": _ids([None] * len(payees)),
            "amount": np.asarray(paid, dtype=np.float64),
            "kind": _ids(kinds),
            "paid_at": _times(paid_at),
        }
    )
    return Snapshot(accounts_frame, orders_frame, commissions_frame)


def classic_snapshot() -> Snapshot:
    """总代 + 10 一级代理 + 50 二级代理 each; stock pushed down, only the bottom sells retail."""
    accounts: list[Account] = [("top", None, "2024-01-01", 0.0, None)]
    orders: list[Order] = []
    commissions: list[Commission] = []
    for i in range(10):
        first = f"L1-{i}"
        accounts.append((first, "top", "2024-02-01", 100.0, None))
        orders.append(("top", first, "2024-02-02", 1000.0, 10, False))
        commissions.append(("top", 10.0, "recruitment", "2024-02-01"))
        for j in range(50):
            second = f"L2-{i}-{j}"
            accounts.append((second, first, "2024-03-01", 100.0, None))
            orders.append((first, second, "2024-03-02", 100.0, 1, False))
            orders.append((second, f"consumer-{i}-{j}", "2024-03-03", 20.0, 1, False))
            commissions.append((first, 10.0, "recruitment", "2024-03-01"))
    return make_snapshot(accounts, orders, commissions)


def test_classic_shape_structure() -> None:
    table = build_features(classic_snapshot(), pd.Timestamp("2024-03-15", tz="UTC"))
    assert len(table) == 511
    top, first, second = table.loc["top"], table.loc["L1-3"], table.loc["L2-3-7"]
    assert (top["tier"], first["tier"], second["tier"]) == (0, 1, 2)
    assert (top["direct_recruits"], first["direct_recruits"], second["direct_recruits"]) == (
        10,
        50,
        0,
    )
    assert (top["downline_size"], first["downline_size"], second["downline_size"]) == (510, 50, 0)
    assert (top["downline_depth"], first["downline_depth"], second["downline_depth"]) == (2, 1, 0)
    assert (table["network_size"] == 511).all() and (table["network_depth"] == 2).all()
    assert (table["network_id"] == "top").all()
    assert top["mean_downline_fanout"] == pytest.approx(510 / 11)
    assert (top["recruits_30d"], top["recruits_90d"], first["recruits_30d"]) == (0, 10, 50)
    assert top["downline_growth_90d"] == 510.0  # nobody below it 90 days earlier: divided by 1
    assert first["peak_day_recruits"] == 50
    assert first["days_to_first_recruit"] == 29.0
    assert second["days_to_first_recruit"] == 14.0  # no recruit yet: its age


def test_classic_shape_trade_and_money() -> None:
    table = build_features(classic_snapshot(), pd.Timestamp("2024-03-15", tz="UTC"))
    top, first, second = table.loc["top"], table.loc["L1-3"], table.loc["L2-3-7"]
    assert top["downline_sales_amount"] == 10_000.0 and first["downline_sales_amount"] == 5_000.0
    assert top["consumer_sales_share"] == 0.0 and second["consumer_sales_share"] == 1.0
    assert (
        first["stock_purchases_amount"] == 1000.0 and first["first_stock_purchase_amount"] == 1000.0
    )
    assert first["sell_through_ratio"] == 5.0  # 50 units sold for 10 bought
    assert (
        second["sell_through_ratio"] == 1.0 and top["sell_through_ratio"] == 1.0
    )  # top bought none
    assert second["unique_consumers"] == 1 and second["repeat_consumer_share"] == 0.0
    assert top["downline_consumer_sales_share"] == pytest.approx(10_000 / 70_000)
    assert first["downline_consumer_sales_share"] == pytest.approx(1_000 / 6_000)
    assert top["downline_entry_fees"] == 51_000.0 and first["downline_entry_fees"] == 5_000.0
    assert (table["network_entry_fees"] == 51_000.0).all()
    assert (
        top["recruitment_commission_amount"] == 100.0 and first["total_commission_amount"] == 500.0
    )
    assert top["recruitment_commission_share"] == 1.0
    assert top["pay_to_consumer_sales_ratio"] == 100.0  # paid, no consumer sales: the cap
    assert second["pay_to_consumer_sales_ratio"] == 0.0  # nothing paid
    assert top["income_from_downline_share"] == 1.0
    assert second["net_gain_amount"] == 20.0 - 100.0 - 100.0
    assert_finite(table)


def thirty_one_snapshot() -> Snapshot:
    """1 + 5 + 25 over 3 tiers; ten of the bottom tier left, five of them holding stock."""
    accounts: list[Account] = [("boss", None, "2024-01-01", 0.0, None)]
    orders: list[Order] = []
    for i in range(5):
        accounts.append((f"m{i}", "boss", "2024-01-10", 0.0, None))
    for j in range(25):
        left = "2024-05-01" if j < 10 else ("2024-12-01" if j == 24 else None)
        accounts.append((f"p{j:02}", f"m{j // 5}", "2024-02-01", 50.0, left))
        if j < 5:
            orders.append((f"m{j // 5}", f"p{j:02}", "2024-02-02", 200.0, 2, False))
        elif j < 10:
            orders.append((f"m{j // 5}", f"p{j:02}", "2024-02-02", 100.0, 1, False))
            orders.append((f"p{j:02}", f"shopper{j}", "2024-02-03", 150.0, 1, False))
    return make_snapshot(accounts, orders)


def test_thirty_one_person_three_tier_network() -> None:
    table = build_features(thirty_one_snapshot(), pd.Timestamp("2024-06-30", tz="UTC"))
    assert len(table) == 31 and (table["network_size"] == 31).all()
    assert (table["network_depth"] == 2).all()  # three tiers: 0, 1, 2
    boss, m0, m1, m2 = (table.loc[k] for k in ("boss", "m0", "m1", "m2"))
    assert boss["downline_size"] == 30 and m0["downline_size"] == 5
    assert boss["downline_churn_share"] == pytest.approx(10 / 30)
    assert boss["downline_left_with_stock_share"] == 0.5
    assert (m0["downline_churn_share"], m0["downline_left_with_stock_share"]) == (1.0, 1.0)
    assert (m1["downline_churn_share"], m1["downline_left_with_stock_share"]) == (1.0, 0.0)
    assert (m2["downline_churn_share"], m2["downline_left_with_stock_share"]) == (0.0, 0.0)
    assert np.allclose(table["network_churn_share"], 10 / 31)
    assert table.loc["p24", "is_active"] == 1 and table.loc["p00", "is_active"] == 0
    assert boss["downline_entry_fees"] == 1250.0 and m0["downline_entry_fees"] == 250.0
    assert table.loc["p00", "sell_through_ratio"] == 0.0
    assert table.loc["p05", "sell_through_ratio"] == 1.0
    assert table.loc["p05", "consumer_sales_share"] == 1.0


def test_zero_denominators_give_defined_values() -> None:
    table = build_features(make_snapshot([("solo", None, "2024-01-01", 0.0, None)]))
    solo = table.loc["solo"]
    assert_finite(table)
    assert solo["consumer_sales_share"] == 0.0 and solo["sell_through_ratio"] == 1.0
    assert solo["downline_growth_90d"] == 0.0 and solo["network_income_gini"] == 0.0
    assert solo["network_top1_income_share"] == 0.0 and solo["pay_to_consumer_sales_ratio"] == 0.0
    assert solo["days_to_first_recruit"] == 0.0 and solo["account_age_days"] == 0.0


def test_income_concentration_and_pay_ratio() -> None:
    accounts: list[Account] = [("r", None, "2024-01-01", 0.0, None)]
    accounts += [(f"k{i}", "r", "2024-01-02", 0.0, None) for i in range(3)]
    orders: list[Order] = [("k0", "shopper", "2024-01-03", 100.0, 1, False)]
    commissions: list[Commission] = [("k0", 30.0, "retail", "2024-01-04")]
    table = build_features(make_snapshot(accounts, orders, commissions))
    # incomes 0, 0, 0, 130: Gini = 2*4*130 / (4*130) - 5/4
    assert table.loc["r", "network_income_gini"] == pytest.approx(0.75)
    assert table.loc["r", "network_top1_income_share"] == 1.0
    assert table.loc["k0", "pay_to_consumer_sales_ratio"] == pytest.approx(0.3)
    assert table.loc["k0", "retail_commission_amount"] == 30.0
    assert table.loc["r", "network_loss_share"] == 0.0


def test_point_in_time_rules_and_refunds() -> None:
    accounts: list[Account] = [
        ("s", None, "2024-01-01", 0.0, "2024-09-01"),  # leaves after as_of: still active
        ("late", "s", "2024-03-01", 0.0, None),  # bought before joining: a consumer then
        ("future", "s", "2024-08-01", 0.0, None),  # joins after as_of: not in the table
    ]
    orders: list[Order] = [
        ("s", "late", "2024-02-01", 40.0, 1, False),
        ("s", "late", "2024-04-01", 60.0, 1, False),  # agent purchase now
        ("s", "walk-in", "2024-04-02", 25.0, 1, True),  # refunded
        ("s", "walk-in", "2024-07-02", 99.0, 1, False),  # after as_of
    ]
    table = build_features(make_snapshot(accounts, orders), pd.Timestamp("2024-06-30", tz="UTC"))
    assert list(table.index) == ["late", "s"]
    s = table.loc["s"]
    assert s["is_active"] == 1 and s["downline_size"] == 1
    assert s["consumer_sales_amount"] == 40.0 and s["downline_sales_amount"] == 60.0
    assert s["unique_consumers"] == 1 and s["refund_share"] == pytest.approx(25 / 125)
    assert table.loc["late", "stock_purchases_amount"] == 60.0


def test_default_as_of_is_latest_event() -> None:
    snapshot = thirty_one_snapshot()
    latest = build_features(snapshot, snapshot.latest_event_time())
    pd.testing.assert_frame_equal(build_features(snapshot), latest)

"""Consumer authenticity signals on hand-built networks with hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from features.build import assert_finite, build_features
from features.registry import REGISTRY, model_feature_names
from features.snapshot import Snapshot
from tests.features.test_build_shapes import Account, Order, make_snapshot

AS_OF = pd.Timestamp("2024-06-30", tz="UTC")
SHARE = "shared_buyer_sales_share"
DOWNLINE = "downline_shared_buyer_sales_share"
BRANCH = "branch_shared_buyer_sales_share"
NETWORK = "network_shared_buyer_sales_share"
BRANCH_REAL = "branch_authentic_consumer_sales_share"
NETWORK_REAL = "network_authentic_consumer_sales_share"
SHARED_COLUMNS = (SHARE, DOWNLINE, BRANCH, NETWORK)


def faked_snapshot() -> Snapshot:
    """boss -> a0..a3, a0 -> b0. Two controlled ids buy from many members (刷单): ctl-1 from a0,
    a1, a2 (100 each), ctl-2 from all five agents (50 each). Real consumers: fan-0 comes back
    to a0 (2 x 80), fan-1 buys once from a3 (200), switcher buys from a1 and a2 (60 each: two
    agents, still a consumer). boss sells 500 of stock to a0."""
    accounts: list[Account] = [("boss", None, "2024-01-01", 0.0, None)]
    accounts += [(f"a{i}", "boss", "2024-01-05", 0.0, None) for i in range(4)]
    accounts.append(("b0", "a0", "2024-01-06", 0.0, None))
    orders: list[Order] = [("boss", "a0", "2024-01-06", 500.0, 5, False)]
    orders += [(f"a{i}", "ctl-1", "2024-02-01", 100.0, 1, False) for i in range(3)]
    orders += [(s, "ctl-2", "2024-02-02", 50.0, 1, False) for s in ("a0", "a1", "a2", "a3", "b0")]
    orders += [("a0", "fan-0", day, 80.0, 1, False) for day in ("2024-02-03", "2024-03-03")]
    orders.append(("a3", "fan-1", "2024-02-04", 200.0, 1, False))
    orders += [(s, "switcher", "2024-02-05", 60.0, 1, False) for s in ("a1", "a2")]
    return make_snapshot(accounts, orders)


def test_controlled_buyer_pool_lights_up_at_every_level() -> None:
    table = build_features(faked_snapshot(), AS_OF)
    # consumer sales (shared part): a0 310 (150), a1 210 (150), a2 210 (150), a3 250 (50),
    # b0 50 (50); the network 1030 (550) of 1530 sold in all
    assert table.loc["a0", SHARE] == pytest.approx(150 / 310)
    assert table.loc["a1", SHARE] == pytest.approx(150 / 210)
    assert table.loc["a3", SHARE] == pytest.approx(50 / 250)
    assert table.loc["b0", SHARE] == 1.0
    assert table.loc["boss", SHARE] == 0.0  # it sold no consumer anything
    assert table.loc["boss", DOWNLINE] == pytest.approx(550 / 1030)  # the quiet organizer
    assert table.loc["a0", DOWNLINE] == 1.0 and table.loc["a1", DOWNLINE] == 0.0
    for account in ("a0", "b0"):  # a0's branch: a0 + b0, 360 sold to consumers, 200 shared
        assert table.loc[account, BRANCH] == pytest.approx(200 / 360)
        assert table.loc[account, BRANCH_REAL] == pytest.approx(160 / 360)
    assert table.loc["a1", BRANCH] == pytest.approx(150 / 210)
    assert table.loc["boss", BRANCH] == pytest.approx(550 / 1030)  # a root: the network
    assert table[NETWORK].to_numpy() == pytest.approx(550 / 1030)
    assert table[NETWORK_REAL].to_numpy() == pytest.approx(480 / 1530)
    assert table.loc["boss", BRANCH_REAL] == pytest.approx(480 / 1530)
    assert table.loc["a1", "network_consumer_sales_share"] == pytest.approx(1030 / 1530)


def loyal_snapshot(late_order: str = "2024-07-15") -> Snapshot:
    """A legitimate shop with two resellers and loyal customers: regular buys from shop five
    times; wanderer buys from shop and r1, and from another network's shop; returner from
    shop and r1, and from r2 once, refunded; late from shop and r1, then from r2 on
    ``late_order``. A wholesale buyer (an account) buys from all three."""
    accounts: list[Account] = [
        ("shop", None, "2024-01-01", 0.0, None),
        ("r1", "shop", "2024-01-02", 0.0, None),
        ("r2", "shop", "2024-01-02", 0.0, None),
        ("other", None, "2024-01-01", 0.0, None),
        ("trader", None, "2024-01-01", 0.0, None),
    ]
    orders: list[Order] = [
        ("shop", "regular", f"2024-0{m}-10", 30.0, 1, False) for m in range(1, 6)
    ]
    orders += [(s, "wanderer", "2024-03-01", 40.0, 1, False) for s in ("shop", "r1", "other")]
    orders += [(s, "returner", "2024-03-02", 40.0, 1, False) for s in ("shop", "r1")]
    orders.append(("r2", "returner", "2024-03-03", 40.0, 1, True))
    orders += [(s, "late", "2024-03-04", 40.0, 1, False) for s in ("shop", "r1")]
    orders.append(("r2", "late", late_order, 40.0, 1, False))
    orders += [(s, "trader", "2024-03-05", 90.0, 3, False) for s in ("shop", "r1", "r2")]
    return make_snapshot(accounts, orders)


def test_loyal_and_two_agent_customers_stay_quiet() -> None:
    """Repeat customers, a buyer of two members, a buyer also seen in another network, a
    refunded third purchase, a third purchase after as_of and an agent buyer: nothing shared."""
    table = build_features(loyal_snapshot(), AS_OF)
    assert table.loc["shop", "repeat_consumer_share"] > 0
    for column in SHARED_COLUMNS:
        assert (table[column] == 0.0).all(), column
    # the authentic share is then the plain consumer sales share of the network
    shop = table.loc[["shop", "r1", "r2"]]
    assert (shop[NETWORK_REAL] == shop["network_consumer_sales_share"]).all()


def test_a_third_member_makes_the_buyer_shared_from_then_on() -> None:
    table = build_features(loyal_snapshot(late_order="2024-06-01"), AS_OF)
    # late bought 40 from each of shop, r1, r2: shop sold 150 + 40 + 40 + 40 to consumers
    assert table.loc["shop", SHARE] == pytest.approx(40 / 270)
    assert table.loc["r1", SHARE] == pytest.approx(40 / 120)
    assert table.loc["r2", SHARE] == 1.0  # its only kept consumer sale
    assert table.loc["shop", NETWORK] == pytest.approx(120 / 430)
    assert table.loc["other", SHARE] == 0.0  # another network: its own count


def test_zero_denominators_and_no_nan() -> None:
    solo = build_features(make_snapshot([("solo", None, "2024-01-01", 0.0, None)]))
    assert_finite(solo)
    for column in (*SHARED_COLUMNS, BRANCH_REAL, NETWORK_REAL, "post_restock_sales_excess"):
        assert solo.loc["solo", column] == 0.0, column


def restock_snapshot() -> Snapshot:
    """s joins on Jan 1 and buys stock from up on Jan 11 and Jan 29; as_of Jan 31 (30 days).
    Windows: Jan 11-14 (3 days) and Jan 29-31 (cut at as_of: 2 days) cover 5 of 30 days. Of its
    five consumer orders, three come inside a window (Jan 11 12:00, Jan 12, Jan 30)."""
    accounts: list[Account] = [
        ("up", None, "2023-12-01", 0.0, None),
        ("s", "up", "2024-01-01", 0.0, None),
    ]
    orders: list[Order] = [
        ("up", "s", "2024-01-11T00:00", 300.0, 10, False),
        ("up", "s", "2024-01-29T00:00", 300.0, 10, False),
        ("up", "s", "2024-01-30T00:00", 300.0, 10, True),  # refunded: no stock arrived
    ]
    days = ("01-05T00:00", "01-11T12:00", "01-12T00:00", "01-20T00:00", "01-30T00:00")
    orders += [("s", f"c{i}", f"2024-{day}", 30.0, 1, False) for i, day in enumerate(days)]
    return make_snapshot(accounts, orders)


def test_post_restock_sales_excess() -> None:
    table = build_features(restock_snapshot(), pd.Timestamp("2024-01-31", tz="UTC"))
    assert table.loc["s", "post_restock_sales_excess"] == pytest.approx(3 / 5 - 5 / 30)
    assert table.loc["up", "post_restock_sales_excess"] == 0.0  # no consumer orders
    # before the second purchase: one window of 3 days in 20, two of three orders inside it
    early = build_features(restock_snapshot(), pd.Timestamp("2024-01-21", tz="UTC"))
    assert early.loc["s", "post_restock_sales_excess"] == pytest.approx(2 / 4 - 3 / 20)


def test_restock_timing_is_evidence_not_a_model_input() -> None:
    assert not REGISTRY["post_restock_sales_excess"].model_input
    inputs = set(model_feature_names())
    assert {*SHARED_COLUMNS, BRANCH_REAL, NETWORK_REAL} <= inputs

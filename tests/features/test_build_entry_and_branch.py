"""Entry costs in typical orders and the branch loss share, on hand-built networks."""

from __future__ import annotations

import pandas as pd
import pytest

from features.build import assert_finite, build_features
from features.snapshot import Snapshot
from tests.features.test_build_shapes import Account, Order, classic_snapshot, make_snapshot

ENTRY = "network_mean_entry_cost_to_typical_order"
RECRUITS_ENTRY = "recruits_mean_entry_cost_to_typical_order"


def drifted_snapshot() -> Snapshot:
    """A retail network whose tier-2 account ``head`` later recruits four agents who each pay a
    100 fee and a 300 first stock order and sell nothing (branch B); branch A only retails."""
    accounts: list[Account] = [
        ("root", None, "2024-01-01", 0.0, None),
        ("a1", "root", "2024-01-05", 0.0, None),
        ("b1", "root", "2024-01-05", 0.0, None),
        ("head", "b1", "2024-01-10", 0.0, None),
    ]
    accounts += [(f"a2-{i}", "a1", "2024-01-10", 0.0, None) for i in range(3)]
    accounts += [(f"g{i}", "head", "2024-03-01", 100.0, None) for i in range(4)]
    retail = ["root", "a1", "b1", *(f"a2-{i}" for i in range(3))]
    orders: list[Order] = [(s, f"shopper-{s}", "2024-02-01", 50.0, 1, False) for s in retail]
    orders += [("head", f"g{i}", "2024-03-02", 300.0, 3, False) for i in range(4)]
    # 40 days after joining: a restock, not part of what joining cost
    orders.append(("head", "g0", "2024-04-10", 200.0, 2, False))
    return make_snapshot(accounts, orders)


def test_branch_loss_share_separates_the_turned_branch() -> None:
    table = build_features(drifted_snapshot(), pd.Timestamp("2024-04-30", tz="UTC"))
    assert (table["network_loss_share"] == 4 / 11).all()  # the four g's lost 400 (g0: 600)
    assert table.loc["root", "branch_loss_share"] == pytest.approx(4 / 11)  # root: the network
    for account in ("a1", "a2-0", "a2-2"):
        assert table.loc[account, "branch_loss_share"] == 0.0
    for account in ("b1", "head", "g0", "g3"):
        assert table.loc[account, "branch_loss_share"] == pytest.approx(4 / 6)


def test_entry_costs_in_typical_orders() -> None:
    table = build_features(drifted_snapshot(), pd.Timestamp("2024-04-30", tz="UTC"))
    # typical order: the median consumer order, 50; joining cost 4 x (100 + 300) in 11 members
    assert table[ENTRY].to_numpy() == pytest.approx(4 * 400 / 11 / 50)
    assert table.loc["head", RECRUITS_ENTRY] == pytest.approx(400 / 50)
    assert table.loc["b1", RECRUITS_ENTRY] == 0.0  # head joined for nothing
    assert table.loc["root", RECRUITS_ENTRY] == 0.0 and table.loc["g0", RECRUITS_ENTRY] == 0.0


def test_classic_pyramid_entry_costs_and_branches() -> None:
    table = build_features(classic_snapshot(), pd.Timestamp("2024-03-15", tz="UTC"))
    # 10 x (100 fee + 1000 stock) + 500 x (100 fee + 100 stock) over 511 members, order 20
    assert table[ENTRY].to_numpy() == pytest.approx((10 * 1100 + 500 * 200) / 511 / 20)
    assert table.loc["top", RECRUITS_ENTRY] == pytest.approx(1100 / 20)
    assert table.loc["L1-3", RECRUITS_ENTRY] == pytest.approx(200 / 20)
    # every 二级代理 lost 180 (sold 20, paid 100 + 100); uplines gained
    assert table.loc["top", "branch_loss_share"] == pytest.approx(500 / 511)
    assert table.loc["L1-3", "branch_loss_share"] == pytest.approx(50 / 51)
    assert table.loc["L2-3-7", "branch_loss_share"] == pytest.approx(50 / 51)


def test_zero_denominators() -> None:
    solo = build_features(make_snapshot([("solo", None, "2024-01-01", 0.0, None)])).loc["solo"]
    assert (solo[ENTRY], solo[RECRUITS_ENTRY], solo["branch_loss_share"]) == (0.0, 0.0, 0.0)
    # fees paid but no order at all: no price level to compare with, so 0 (not infinite)
    unsold = make_snapshot(
        [("r", None, "2024-01-01", 500.0, None), ("k", "r", "2024-01-02", 500.0, None)]
    )
    table = build_features(unsold)
    assert_finite(table)
    assert (table[ENTRY] == 0.0).all() and (table[RECRUITS_ENTRY] == 0.0).all()
    assert (table["branch_loss_share"] == 1.0).all()  # both paid a fee and sold nothing

"""Neighbour aggregates (upline chain, direct recruits, downline, branch), hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.build import assert_finite, build_features
from features.graph import NO_PARENT, Forest
from features.registry import model_feature_names
from features.signals.neighbours import upline_mean
from features.specs.neighbours import END_USERS, SPECS
from tests.features.test_build_authenticity import faked_snapshot
from tests.features.test_build_entry_and_branch import drifted_snapshot
from tests.features.test_build_shapes import Account, Commission, Order, make_snapshot

AS_OF = pd.Timestamp("2024-04-30", tz="UTC")


def test_upline_mean_over_three_links_and_a_root_keeps_its_own() -> None:
    # 0 -> 1 -> 2 -> 3 -> 4, and 5 alone
    forest = Forest.from_parent(np.array([NO_PARENT, 0, 1, 2, 3, NO_PARENT]))
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 9.0])
    # 4 sees 3, 2, 1 (values 4, 3, 2), not 0; 0 and 5 have nobody above: their own value
    assert upline_mean(forest, values).tolist() == [1.0, 1.0, 1.5, 2.0, 3.0, 9.0]


def test_drifted_branch_is_seen_from_above_and_below() -> None:
    """The turned branch of ``drifted_snapshot``: head recruits four agents who each pay 100 +
    300 of first stock (8 typical orders of 50) and lose money; retail branches around it."""
    table = build_features(drifted_snapshot(), AS_OF)
    head, b1, root, a1 = (table.loc[k] for k in ("head", "b1", "root", "a1"))
    assert (head["recruits_loss_share"], b1["recruits_loss_share"]) == (1.0, 0.0)
    assert head["downline_loss_share"] == 1.0 and b1["downline_loss_share"] == pytest.approx(4 / 5)
    assert root["downline_loss_share"] == pytest.approx(4 / 10) and a1["downline_loss_share"] == 0
    entry = "downline_mean_entry_cost_to_typical_order"
    assert head[entry] == pytest.approx(8.0)
    assert b1[entry] == pytest.approx(1600 / 5 / 50) and root[entry] == pytest.approx(
        1600 / 10 / 50
    )
    branch_entry = "branch_mean_entry_cost_to_typical_order"
    for account in ("b1", "head", "g2"):  # b1's branch: b1, head and the four g's
        assert table.loc[account, branch_entry] == pytest.approx(1600 / 6 / 50)
    assert a1[branch_entry] == 0.0
    assert root[branch_entry] == pytest.approx(root["network_mean_entry_cost_to_typical_order"])
    # b1's branch sold 50 to consumers and 1,400 of stock to the g's; a1's branch only retails
    assert table.loc["g0", "branch_consumer_sales_share"] == pytest.approx(50 / 1450)
    assert table.loc["a2-0", "branch_consumer_sales_share"] == 1.0
    assert root["branch_consumer_sales_share"] == pytest.approx(300 / 1700)
    # g0's uplines: head (sells only stock: 0), b1 and root (retail only: 1)
    assert table.loc["g0", "upline_consumer_sales_share"] == pytest.approx(2 / 3)
    assert head["upline_consumer_sales_share"] == 1.0
    assert table.loc["g0", "upline_entry_cost_to_typical_order"] == 0.0  # its uplines paid 0


def commission_snapshot() -> tuple[list[Account], list[Commission]]:
    """R -> A, B; A -> A1, A2. Pay: R 30 recruitment + 10 retail; A 20 recruitment + 20 team;
    B 50 retail; A1 10 recruitment; A2 nothing."""
    accounts: list[Account] = [
        ("R", None, "2024-01-01", 0.0, None),
        ("A", "R", "2024-01-02", 0.0, None),
        ("B", "R", "2024-01-02", 0.0, None),
        ("A1", "A", "2024-01-03", 0.0, None),
        ("A2", "A", "2024-01-03", 0.0, None),
    ]
    commissions: list[Commission] = [
        ("R", 30.0, "recruitment", "2024-02-01"),
        ("R", 10.0, "retail", "2024-02-01"),
        ("A", 20.0, "recruitment", "2024-02-01"),
        ("A", 20.0, "team", "2024-02-01"),
        ("B", 50.0, "retail", "2024-02-01"),
        ("A1", 10.0, "recruitment", "2024-02-01"),
    ]
    return accounts, commissions


def test_recruitment_pay_over_uplines_downline_and_branch() -> None:
    accounts, commissions = commission_snapshot()
    table = build_features(make_snapshot(accounts, (), commissions), AS_OF)
    upline = table["upline_recruitment_commission_share"]
    assert upline["A1"] == pytest.approx((0.5 + 0.75) / 2)  # A 20/40, R 30/40
    assert upline["A"] == 0.75 and upline["B"] == 0.75 and upline["R"] == 0.75  # R: its own
    downline = table["downline_recruitment_commission_share"]
    assert downline["R"] == pytest.approx(30 / 100)  # A, B, A1, A2: 30 of 100, pooled
    assert downline["A"] == 1.0 and downline["B"] == 0.0 and downline["A1"] == 0.0
    branch = table["branch_recruitment_commission_share"]
    for account in ("A", "A1", "A2"):
        assert branch[account] == pytest.approx(30 / 50)
    assert branch["B"] == 0.0 and branch["R"] == pytest.approx(60 / 140)


def test_controlled_buyers_seen_from_below() -> None:
    table = build_features(faked_snapshot(), pd.Timestamp("2024-06-30", tz="UTC"))
    # b0's uplines: a0 (150 of 310 shared) and boss (no consumer sales: 0)
    assert table.loc["b0", "upline_shared_buyer_sales_share"] == pytest.approx(150 / 310 / 2)
    assert table.loc["a1", "upline_shared_buyer_sales_share"] == 0.0


def test_no_neighbours_gives_zeros_and_the_specs_are_model_inputs() -> None:
    table = build_features(make_snapshot([("solo", None, "2024-01-01", 0.0, None)]))
    assert_finite(table)
    end_user = {spec.name for spec in END_USERS}
    others = [spec.name for spec in SPECS if spec.name not in end_user]
    assert (table.loc["solo", others] == 0.0).all()
    # nobody paid anything in: no money from participants, the share is the neutral 1
    assert (table.loc["solo", sorted(end_user)] == 1.0).all()
    assert {spec.name for spec in SPECS} <= set(model_feature_names())


def chains_snapshot() -> list[Order]:
    """Two networks. A lawful wholesale chain W0 -> W1 -> W2 -> W3: ten units passed down each
    tier, all ten sold by W3 to ten consumers. A stock-loading one L0 -> L1, L2 (fees 100
    each): L0 sells ten units to each; L1 retails two of its ten, L2 none."""
    return [
        ("W0", "W1", "2024-02-01", 1000.0, 10, False),
        ("W1", "W2", "2024-02-02", 1100.0, 10, False),
        ("W2", "W3", "2024-02-03", 1200.0, 10, False),
        *[("W3", f"c{i}", "2024-02-10", 130.0, 1, False) for i in range(10)],
        ("L0", "L1", "2024-02-01", 500.0, 10, False),
        ("L0", "L2", "2024-02-01", 500.0, 10, False),
        ("L1", "x1", "2024-02-10", 60.0, 1, False),
        ("L1", "x2", "2024-02-11", 60.0, 1, False),
    ]


def test_end_user_share_counts_stock_where_it_stops_not_each_tier_it_crosses() -> None:
    accounts: list[Account] = [
        ("W0", None, "2024-01-01", 0.0, None),
        ("W1", "W0", "2024-01-02", 0.0, None),
        ("W2", "W1", "2024-01-03", 0.0, None),
        ("W3", "W2", "2024-01-04", 0.0, None),
        ("L0", None, "2024-01-01", 0.0, None),
        ("L1", "L0", "2024-01-02", 100.0, None),
        ("L2", "L0", "2024-01-02", 100.0, None),
    ]
    table = build_features(make_snapshot(accounts, chains_snapshot()), AS_OF)
    # four tiers of stock moving down, every unit sold to a consumer: all money from end users
    for account in ("W0", "W1", "W2", "W3"):
        assert table.loc[account, "network_end_user_share"] == 1.0
        assert table.loc[account, "end_user_share"] == 1.0
    # L1 kept 8 of 10 units (400 of its 500), L2 all (500): 120 in from end users of 1,220
    assert table.loc["L0", "network_end_user_share"] == pytest.approx(120 / 1220)
    assert table.loc["L0", "end_user_share"] == pytest.approx(120 / 1220)
    assert table.loc["L1", "end_user_share"] == pytest.approx(120 / (120 + 100 + 400))
    assert table.loc["L2", "end_user_share"] == 0.0
    # a tier-1 account heads its own branch; the root's branch is the network
    assert table.loc["L1", "branch_end_user_share"] == pytest.approx(120 / 620)
    assert table.loc["L0", "branch_end_user_share"] == pytest.approx(120 / 1220)
    # the consumer sales share calls the wholesale chain mostly agent trade: 1,300 of 4,600
    assert table.loc["W0", "network_consumer_sales_share"] == pytest.approx(1300 / 4600)

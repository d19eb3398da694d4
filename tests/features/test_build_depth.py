"""The model's depth inputs stop at three levels below the top (三级以上); the raw depths do not."""

from __future__ import annotations

import pandas as pd

from features.build import build_features
from features.registry import REGISTRY, model_feature_names
from tests.features.test_build_shapes import Account, make_snapshot

AS_OF = pd.Timestamp("2024-06-30", tz="UTC")


def distributor_chain() -> list[Account]:
    """A wholesale chain seven tiers deep (brand -> d1 -> ... -> d6) beside a two-tier shop."""
    accounts: list[Account] = [("brand", None, "2024-01-01", 0.0, None)]
    accounts += [
        (f"d{i}", "brand" if i == 1 else f"d{i - 1}", "2024-02-01", 0.0, None) for i in range(1, 7)
    ]
    accounts += [
        ("shop", None, "2024-01-01", 0.0, None),
        ("reseller", "shop", "2024-03-01", 0.0, None),
    ]
    return accounts


def test_capped_depths_stop_three_levels_down() -> None:
    table = build_features(make_snapshot(distributor_chain()), AS_OF)
    chain = [f"d{i}" for i in range(1, 7)]
    assert table.loc[chain, "tier"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table.loc[chain, "tier_capped"].tolist() == [1, 2, 3, 3, 3, 3]
    assert table.loc["brand", "downline_depth"] == 6
    assert table.loc[["brand", "d3", "d5", "d6"], "downline_depth_capped"].tolist() == [3, 3, 1, 0]
    assert (table.loc[["brand", *chain], "network_depth"] == 6).all()
    assert (table.loc[["brand", *chain], "network_depth_capped"] == 3).all()


def test_a_two_tier_network_is_not_capped() -> None:
    table = build_features(make_snapshot(distributor_chain()), AS_OF)
    shop = table.loc[["shop", "reseller"]]
    assert shop["tier_capped"].tolist() == shop["tier"].tolist() == [0, 1]
    assert shop["network_depth_capped"].tolist() == shop["network_depth"].tolist() == [1, 1]


def test_raw_depths_are_for_reports_only() -> None:
    inputs = set(model_feature_names())
    for raw in ("tier", "downline_depth", "network_depth"):
        assert raw in REGISTRY and raw not in inputs
        assert f"{raw}_capped" in inputs

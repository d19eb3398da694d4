"""Grafts (training/grafts.py): each adds what DOMAIN.md says real platforms hold and the
simulators lack, inside the data contract, labelled by the law."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from features.build import build_features, resolve_as_of
from features.snapshot import Snapshot
from features.validation import validate_snapshot
from training.grafts import (
    FRANCHISE,
    PACKAGE_DAYS,
    entry_packages_from_root,
    network_of,
    typical_order,
    with_fake_retail,
    with_franchises,
)
from training.simulator import write_snapshot
from training.worlds import Habits, prior_worlds, with_habits, without_grafts


def _new(after: pd.DataFrame, before: pd.DataFrame, column: str) -> pd.DataFrame:
    return after[~after[column].isin(before[column])]


def test_franchises_are_one_tier_of_deposit_paying_shops_selling_to_consumers(
    small_platform: Snapshot, tmp_path: Path
) -> None:
    grafted = with_franchises(small_platform, 0.05, np.random.default_rng(4))
    added = _new(grafted.accounts, small_platform.accounts, "account_id")
    assert abs(len(added) - 0.05 * len(small_platform.accounts)) <= 80  # whole networks
    brands = added[added["sponsor_id"].isna()]
    members = added[added["sponsor_id"].notna()]
    assert len(brands) >= 2 and members["sponsor_id"].isin(brands["account_id"]).all()  # tier 1
    price = typical_order(small_platform)
    assert (members["entry_fee"] >= 20 * price).all() and (brands["entry_fee"] == 0).all()
    assert (
        members["joined_at"]
        > members["sponsor_id"].map(brands.set_index("account_id")["joined_at"])
    ).all()
    orders = _new(grafted.orders, small_platform.orders, "order_id")
    stock = orders[orders["buyer_id"].isin(members["account_id"])]
    assert stock["seller_id"].isin(brands["account_id"]).all()  # restocked from the brand
    retail = orders[~orders["buyer_id"].isin(grafted.accounts["account_id"])]
    assert retail["seller_id"].isin(members["account_id"]).all()
    assert retail["amount"].sum() > stock["amount"].sum()  # sold on, with a margin
    assert retail["buyer_id"].duplicated().any()  # returning customers
    assert grafted.labels is not None
    labels = grafted.labels.set_index("account_id").loc[added["account_id"]]
    assert (labels["label"] == 0).all() and set(labels["family"]) == {FRANCHISE}
    assert grafted.commissions.equals(small_platform.commissions)  # a franchise pays none
    write_snapshot(grafted, tmp_path, "parquet")
    report = validate_snapshot(tmp_path)
    assert report.ok, report


def test_fake_retail_follows_stock_purchases_with_one_off_buyers_at_list_prices(
    small_platform: Snapshot,
) -> None:
    grafted = with_fake_retail(small_platform, 1.0, np.random.default_rng(2))
    fake = _new(grafted.orders, small_platform.orders, "order_id")
    assert len(fake) > 0
    assert not fake["buyer_id"].duplicated().any()  # each buyer id buys once
    assert not fake["buyer_id"].isin(small_platform.orders["buyer_id"]).any()  # seen nowhere else
    assert small_platform.labels is not None
    scheme = small_platform.labels.loc[small_platform.labels["label"] == 1, "account_id"]
    assert fake["seller_id"].isin(scheme).all()
    # within five days of one of the seller's own stock purchases
    bought = small_platform.orders[small_platform.orders["buyer_id"].isin(fake["seller_id"])]
    pairs = fake.merge(bought, left_on="seller_id", right_on="buyer_id", suffixes=("", "_stock"))
    lag = (pairs["created_at"] - pairs["created_at_stock"]).dt.total_seconds() / 86_400
    follows = pairs.assign(ok=(lag > 0) & (lag <= 5)).groupby("order_id")["ok"].any()
    assert follows.all()
    # at one list price per network: few distinct amounts per network
    network = pd.Series(
        network_of(small_platform).to_numpy(), index=small_platform.accounts["account_id"]
    )
    per_network = fake.groupby(network.reindex(fake["seller_id"]).to_numpy())["amount"].nunique()
    assert (per_network == 1).all()
    assert grafted.labels is not None and grafted.labels.equals(small_platform.labels)
    assert with_fake_retail(small_platform, 0.0, np.random.default_rng(2)) is small_platform


def test_entry_packages_are_sold_by_the_root(small_platform: Snapshot) -> None:
    moved = entry_packages_from_root(small_platform)
    changed = moved.orders["seller_id"] != small_platform.orders["seller_id"]
    assert changed.any()
    root = pd.Series(
        network_of(small_platform).to_numpy(), index=small_platform.accounts["account_id"]
    )
    rows = moved.orders[changed]
    assert (rows["seller_id"].to_numpy() == root.reindex(rows["buyer_id"]).to_numpy()).all()
    joined = small_platform.accounts.set_index("account_id")["joined_at"]
    since = rows["created_at"].to_numpy() - joined.reindex(rows["buyer_id"]).to_numpy()
    assert (since <= np.timedelta64(PACKAGE_DAYS, "D")).all()
    assert (~rows["buyer_id"].duplicated()).all()  # only each member's first purchase
    pd.testing.assert_frame_equal(
        moved.orders.drop(columns="seller_id"), small_platform.orders.drop(columns="seller_id")
    )


def test_a_world_with_every_graft_builds_features(small_platform: Snapshot) -> None:
    habits = Habits(franchises=0.03, fake_retail=0.5, packages_from_root=True, ids="uuid")
    snapshot, as_of = with_habits(small_platform, habits, seed=3)
    table = build_features(snapshot, as_of)
    assert len(table) > len(small_platform.accounts)
    assert snapshot.labels is not None
    franchise = snapshot.labels.loc[snapshot.labels["family"] == FRANCHISE, "account_id"]
    assert franchise.isin(table.index).all()  # renamed with everything else
    assert resolve_as_of(snapshot, None) >= as_of


def test_without_grafts_keeps_every_other_habit() -> None:
    worlds = prior_worlds(6, 500, seed=4)
    plain = without_grafts(worlds)
    assert all(w.habits.franchises > 0 and w.habits.fake_retail > 0 for w in worlds)
    for world, stripped in zip(worlds, plain, strict=True):
        assert stripped.habits.franchises == 0 and stripped.habits.fake_retail == 0
        assert not stripped.habits.packages_from_root
        assert stripped.habits.money == world.habits.money and stripped.seed == world.seed

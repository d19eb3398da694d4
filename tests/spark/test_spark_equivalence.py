"""The Spark engine gives the local engine's features, scores, bands and reasons (local[2])."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from features.build import build_features
from features.errors import DataContractError
from features.graph import Forest
from features.validation import read_valid_snapshot

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::FutureWarning"),  # PySpark 4.3 on pandas 3
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

TOLERANCE = 1e-9


def assert_same_features(local: pd.DataFrame, spark: pd.DataFrame) -> None:
    """Same accounts, columns and dtypes; numbers equal to 1e-9 relative."""
    assert spark.index.equals(local.index)
    assert list(spark.columns) == list(local.columns)
    for column in local.columns:
        ours, theirs = spark[column], local[column]
        assert ours.dtype == theirs.dtype, column
        if theirs.dtype.kind == "f":
            np.testing.assert_allclose(ours, theirs, rtol=TOLERANCE, atol=0, err_msg=column)
        else:
            assert (ours.to_numpy() == theirs.to_numpy()).all(), column


def _add_cross_network_orders(directory: Path) -> None:
    """Wholesale orders between networks: after the buyer joined (agent) and before (consumer)."""
    accounts = pd.read_csv(directory / "accounts.csv", dtype=str)
    orders = pd.read_csv(directory / "orders.csv", dtype=str)
    roots = accounts.loc[accounts["sponsor_id"].isna()].head(40)
    joined_all = pd.to_datetime(accounts["joined_at"], utc=True)
    early = joined_all < joined_all.max() - pd.Timedelta(days=90)  # before the test's as_of
    buyers = accounts.loc[accounts["sponsor_id"].notna() & early].tail(40)
    joined = pd.to_datetime(buyers["joined_at"], utc=True)
    extra = pd.DataFrame(
        {
            "order_id": [f"X{i}" for i in range(80)],
            "seller_id": list(roots["account_id"]) * 2,
            "buyer_id": list(buyers["account_id"]) * 2,
            "created_at": [t.isoformat() for t in joined + pd.Timedelta(days=3)]
            + [t.isoformat() for t in joined - pd.Timedelta(days=3)],
            "amount": ["123.45"] * 80,
            "quantity": ["7"] * 80,
            "refunded": ["false"] * 80,
        }
    )
    pd.concat([orders, extra[orders.columns]]).to_csv(directory / "orders.csv", index=False)


@pytest.fixture(scope="module")
def csv_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    directory = tmp_path_factory.mktemp("spark-csv") / "snapshot"
    write_snapshot(simulate_platform(SimulationConfig(accounts=900, seed=5)), directory, "csv")
    _add_cross_network_orders(directory)
    return directory


def test_features_from_csv_match_the_local_engine_across_groups(
    spark: Any, csv_snapshot: Path
) -> None:
    from features.spark.build import collect_features, latest_event_time, spark_features
    from features.spark.reading import read_spark_snapshot

    snapshot = read_valid_snapshot(csv_snapshot)
    as_of = snapshot.latest_event_time()
    tables = read_spark_snapshot(spark, csv_snapshot)
    assert latest_event_time(tables) == as_of
    # An earlier as_of (later rows cut on both engines) and small groups, so that wholesale
    # orders between networks cross groups (ghost accounts). One Spark pass keeps this fast.
    earlier = as_of - pd.Timedelta(days=60)
    ours = collect_features(spark_features(tables, earlier, accounts_per_group=150))
    local = build_features(snapshot, earlier)
    assert_same_features(local, ours.drop(columns=["region"]))


def test_a_bad_cell_read_on_an_executor_is_raised_on_the_driver(
    spark: Any, csv_snapshot: Path, tmp_path: Path
) -> None:
    import shutil

    from features.spark.build import (
        CONTRACT_ERROR,
        checked_features,
        collect_features,
        spark_features,
    )
    from features.spark.reading import read_spark_snapshot

    broken = Path(shutil.copytree(csv_snapshot, tmp_path / "broken"))
    orders = pd.read_csv(broken / "orders.csv", dtype=str, keep_default_na=False)
    orders.loc[5, "amount"] = "twelve"  # only the per-group conversion sees the cells
    orders.to_csv(broken / "orders.csv", index=False)
    tables = read_spark_snapshot(spark, broken)
    as_of = pd.Timestamp("2030-01-01", tz="UTC")
    features = spark_features(tables, as_of, accounts_per_group=150).localCheckpoint(eager=True)
    for check in (checked_features, collect_features):
        with pytest.raises(DataContractError, match="amount") as caught:
            check(features)
        assert caught.value.__cause__ is None and "Traceback" not in caught.value.message
    fine = checked_features(spark_features(read_spark_snapshot(spark, csv_snapshot), as_of))
    assert CONTRACT_ERROR not in fine.columns


def _chain_and_fan(depth: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A chain ``depth`` deep with side branches, plus a few roots; ids are not in tree order."""
    rng = np.random.default_rng(3)
    parent = np.concatenate(([-1], np.arange(depth - 1)))
    side = rng.integers(0, depth, size=depth // 2)
    parent = np.concatenate((parent, side, [-1, -1, depth]))
    names = np.array([f"acc{k:05d}" for k in rng.permutation(len(parent))])
    sponsor = np.where(parent >= 0, names[np.maximum(parent, 0)], None)
    return pd.DataFrame({"account_id": names, "sponsor_id": sponsor}), parent


def test_network_assignment_matches_the_local_forest_on_a_deep_chain(spark: Any) -> None:
    from features.spark.networks import assign_networks

    frame, parent = _chain_and_fan(2000)
    accounts = spark.createDataFrame(frame, "account_id string, sponsor_id string")
    found = assign_networks(accounts).toPandas().set_index("account_id")["network_id"]
    names = frame["account_id"].to_numpy()
    expected = pd.Series(names[Forest.from_parent(parent).root], index=names)
    assert found.reindex(expected.index).equals(expected.rename("network_id"))
    assert found.nunique() == 3


def test_sponsor_cycle_and_duplicate_ids_are_refused(spark: Any) -> None:
    from features.spark.networks import assign_networks

    cycle = pd.DataFrame({"account_id": ["a", "b", "c", "d"], "sponsor_id": ["c", "a", "b", None]})
    with pytest.raises(DataContractError, match="cycle"):
        assign_networks(spark.createDataFrame(cycle, "account_id string, sponsor_id string"))
    twice = pd.DataFrame({"account_id": ["a", "a"], "sponsor_id": [None, None]})
    with pytest.raises(DataContractError, match="'a' occurs 2 times"):
        assign_networks(spark.createDataFrame(twice, "account_id string, sponsor_id string"))

"""A scoring run on Spark publishes the local run's scores, bands, ranks, reasons, indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.trained_world import TrainedWorld

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::FutureWarning"),  # PySpark 4.3 on pandas 3
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def test_spark_run_publishes_the_local_runs_results(
    spark: Any, trained_world: TrainedWorld, tmp_path: Path
) -> None:
    from risk.scoring import SparkEngine, run_scoring
    from risk.store.db import open_store
    from risk.store.scores import scores_frame

    snapshot_dir = trained_world.snapshot_dir
    common = dict(
        as_of=None, model_ref=trained_world.model_ref, tracking_uri=trained_world.tracking_uri
    )
    local_store, spark_store = f"sqlite:///{tmp_path}/local.db", f"sqlite:///{tmp_path}/spark.db"
    local = run_scoring(
        snapshot_dir=snapshot_dir, store_url=local_store, out=tmp_path / "local.parquet", **common
    )
    ours = run_scoring(
        engine=SparkEngine(spark=spark, accounts_per_group=300),
        snapshot_dir=snapshot_dir,
        store_url=spark_store,
        out=tmp_path / "spark.parquet",
        **common,
    )
    assert not ours.already_published and ours.as_of == local.as_of
    assert ours.accounts_scored == local.accounts_scored and ours.counts == local.counts
    theirs, mine = (
        pd.read_parquet(tmp_path / "local.parquet"),
        pd.read_parquet(tmp_path / "spark.parquet"),
    )
    assert list(mine["account_id"]) == list(theirs["account_id"])  # same ranks, row by row
    np.testing.assert_allclose(mine["score"], theirs["score"], rtol=1e-9, atol=0)
    for column in ("network_id", "band", "rank", "reasons", "indicators", "model_version", "as_of"):
        assert mine[column].equals(theirs[column]), column
    assert mine["reasons"].notna().any() and (mine["band"] != "low").any()

    stored = scores_frame(open_store(spark_store), ours.run_id).set_index("account_id")
    expected = scores_frame(open_store(local_store), local.run_id).set_index("account_id")
    assert stored.index.sort_values().equals(expected.index.sort_values())
    pd.testing.assert_series_equal(stored["band"], expected.loc[stored.index, "band"])
    assert stored["features"].equals(expected.loc[stored.index, "features"])
    for column in ("reasons", "indicators", "role"):
        assert stored[column].equals(expected.loc[stored.index, column]), column
    for column in ("network_score", "branch_score"):
        assert stored[column].notna().all(), column
        np.testing.assert_allclose(stored[column], expected.loc[stored.index, column], rtol=1e-9)

    # Same snapshot, as_of and model: the Spark engine recognises the local engine's run.
    again = run_scoring(
        engine=SparkEngine(spark=spark), snapshot_dir=snapshot_dir, store_url=local_store, **common
    )
    assert again.already_published and again.run_id == local.run_id


def test_spark_run_refuses_a_bad_cell_and_writes_nothing(
    spark: Any, trained_world: TrainedWorld, tmp_path: Path
) -> None:
    from features.errors import DataContractError
    from risk.scoring import SparkEngine, run_scoring
    from risk.store.db import open_store
    from risk.store.runs import list_runs
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    broken = tmp_path / "broken"
    write_snapshot(simulate_platform(SimulationConfig(accounts=300, seed=3)), broken, "csv")
    orders = pd.read_csv(broken / "orders.csv", dtype=str, keep_default_na=False)
    orders.loc[7, "quantity"] = "a dozen"  # found per group on an executor, not on the driver
    orders.to_csv(broken / "orders.csv", index=False)
    store_url, out = f"sqlite:///{tmp_path}/spark.db", tmp_path / "scores.csv"
    with pytest.raises(DataContractError, match="quantity") as caught:
        run_scoring(
            engine=SparkEngine(spark=spark, accounts_per_group=300),
            snapshot_dir=broken,
            as_of=None,
            model_ref=trained_world.model_ref,
            store_url=store_url,
            tracking_uri=trained_world.tracking_uri,
            out=out,
        )
    assert caught.value.__cause__ is None  # raised on the driver, not unwrapped from a trace
    assert list_runs(open_store(store_url)) == [] and not out.exists()

"""Benchmark the feature stage: local engine versus Spark (local[2] by default) on one snapshot.

    uv run python benchmarks/bench_spark.py [--accounts 200000] [--master local[2]]
    uv run python benchmarks/bench_spark.py --accounts 1000000 --one-network --driver-memory 8g

Simulates a platform, writes it as Parquet, then times ``build_features`` (local) and the Spark
engine (session start, as_of, network assignment, per-group features, collect) and checks that
the two tables agree. ``--one-network`` hangs every tree under the first root, so the whole
platform is ONE network (the large-network path: one group, one pandas call on an executor).
Spark is slower on one small machine; the point is that it agrees, and that it scales out.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from features.build import build_features
from features.validation import read_valid_snapshot
from training.simulator import SimulationConfig, simulate_platform, write_snapshot


def _write_platform(directory: Path, accounts: int, one_network: bool) -> None:
    snapshot = simulate_platform(SimulationConfig(accounts=accounts, seed=1))
    write_snapshot(snapshot, directory, "parquet")
    if one_network:
        path = directory / "accounts.parquet"
        table = pd.read_parquet(path)
        roots = table["sponsor_id"].isna()
        first = table.loc[roots, "account_id"].iloc[0]
        table.loc[roots & (table["account_id"] != first), "sponsor_id"] = first
        table.to_parquet(path, index=False)


def _max_relative_difference(local: pd.DataFrame, spark: pd.DataFrame) -> float:
    assert spark.index.equals(local.index), "different accounts"
    worst = 0.0
    for column in local.columns:
        if local[column].dtype.kind != "f" and local[column].dtype.kind != "i":
            assert (local[column].to_numpy() == spark[column].to_numpy()).all(), column
            continue
        a, b = local[column].to_numpy(np.float64), spark[column].to_numpy(np.float64)
        scale = np.maximum(np.abs(a), 1e-300)
        worst = max(worst, float(np.max(np.abs(a - b) / scale, initial=0.0)))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--one-network", action="store_true")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--accounts-per-group", type=int, default=50_000)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    with tempfile.TemporaryDirectory(prefix="bench-spark-") as temp:
        directory = Path(temp) / "snapshot"
        start = time.perf_counter()
        _write_platform(directory, args.accounts, args.one_network)
        print(f"simulated {args.accounts:,} accounts in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        snapshot = read_valid_snapshot(directory)
        as_of = snapshot.latest_event_time()
        local = build_features(snapshot, as_of)
        local_seconds = time.perf_counter() - start
        networks = local["network_id"].value_counts()
        print(f"local engine: read+validate+features {local_seconds:.1f} s")
        print(f"networks: {len(networks):,}, largest {networks.iloc[0]:,} accounts")
        del snapshot

        from features.spark.build import collect_features, latest_event_time, spark_features
        from features.spark.networks import assign_networks
        from features.spark.reading import read_spark_snapshot
        from features.spark.session import spark_session

        start = time.perf_counter()
        spark = spark_session(args.master, conf={"spark.driver.memory": args.driver_memory})
        spark.sparkContext.setLogLevel("ERROR")
        session_seconds = time.perf_counter() - start
        start = time.perf_counter()
        tables = read_spark_snapshot(spark, directory)
        spark_as_of = latest_event_time(tables)
        assigned = assign_networks(tables.accounts.frame).localCheckpoint(eager=True)
        networks_seconds = time.perf_counter() - start
        start = time.perf_counter()
        features = spark_features(
            tables, spark_as_of, networks=assigned, accounts_per_group=args.accounts_per_group
        )
        ours = collect_features(features).drop(columns=["region"])
        features_seconds = time.perf_counter() - start
        spark.stop()

    spark_seconds = networks_seconds + features_seconds
    print(f"spark {args.master}: session start {session_seconds:.1f} s (not counted)")
    print(f"  read + as_of + network assignment {networks_seconds:.1f} s")
    print(f"  per-group features + collect {features_seconds:.1f} s")
    print(f"  total {spark_seconds:.1f} s = {spark_seconds / local_seconds:.1f}x the local engine")
    print(f"same as_of: {spark_as_of == as_of}; max relative feature difference: "
          f"{_max_relative_difference(local, ours):.2e}")  # fmt: skip


if __name__ == "__main__":
    main()

"""Train on simulated platforms and print held-out quality and wall time.

    uv run python benchmarks/bench_train.py --accounts 200000 --seeds 1 2

Each seed simulates its own platform, trains with a throw-away MLflow store (temp dir) and
prints the grouped-network and out-of-time metrics of the model and the logistic-regression
and rules-only baselines, the per-family table, and how long training took.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd


def run(accounts: int, seed: int, out_of_time: bool) -> None:
    """Simulate, train, print."""
    from risk.indicators.engine import indicator_score
    from training.config import TrainingConfig
    from training.pipeline import train_and_register
    from training.simulator import SimulationConfig, simulate_platform

    started = time.perf_counter()
    snapshot = simulate_platform(SimulationConfig(accounts=accounts, seed=seed))
    simulated = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        uri = f"sqlite:///{Path(scratch) / 'mlflow.db'}"
        config = TrainingConfig(out_of_time=out_of_time, artifact_root=Path(scratch) / "artifacts")
        result = train_and_register(snapshot, None, config, uri, {"rules_only": indicator_score})
    k = config.review_capacity
    print(
        f"\n== {accounts:,} accounts, platform seed {seed}: simulated in {simulated:.1f} s, "
        f"trained+logged in {result.seconds:.1f} s (best iteration "
        f"{result.metrics['best_iteration']})"
    )
    columns = [
        "split",
        "scorer",
        "roc_auc",
        "average_precision",
        f"precision_at_{k}",
        f"scheme_networks_in_top_{k}",
        "brier",
    ]
    print(result.table[columns].to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    families = pd.DataFrame(result.metrics["slices"].get("family", {})).T
    if not families.empty:
        print(families.to_string(float_format=lambda v: f"{v:.4f}"))
    print("bands:", {band: round(value, 4) for band, value in result.thresholds.items()})


def main() -> None:
    """Parse arguments and run one training per seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--no-out-of-time", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    for seed in args.seeds:
        run(args.accounts, seed, not args.no_out_of_time)


if __name__ == "__main__":
    main()

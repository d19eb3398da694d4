"""Benchmark: the nightly scoring run end to end on a simulated 1M-account platform.

    uv run python benchmarks/bench_score.py [--accounts 1000000] [--workdir /tmp/bench_score]

Simulates the platform once (kept in the work dir), trains and registers a model on a smaller
simulated sample (kept too), then times ``run_scoring`` (features, scores, reasons for medium
and above, indicators, drift, write to a fresh SQLite store or ``--store-url``, score table
file) and prints seconds and peak resident memory per stage. Targets: < 5 min, < 12 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


class PrintProgress:
    """Prints one line per stage start and end (a log, not bars)."""

    def start(self, stage: str, total: int | None = None) -> None:
        """Announce a stage."""
        print(f"  {time.strftime('%H:%M:%S')} {stage} ...", flush=True)

    def advance(self, stage: str, amount: int = 1) -> None:
        """Stay quiet within a stage."""

    def finish(self, stage: str) -> None:
        """Nothing: the summary prints the figures."""


def _simulate(directory: Path, accounts: int, seed: int) -> Path:
    """Simulate a platform into ``directory`` unless it is already there."""
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    if (directory / "accounts.parquet").exists():
        return directory
    started = time.perf_counter()
    snapshot = simulate_platform(SimulationConfig(accounts=accounts, seed=seed))
    write_snapshot(snapshot, directory, "parquet")
    print(
        f"simulated {accounts:,} accounts, {len(snapshot.orders):,} orders in "
        f"{time.perf_counter() - started:.0f} s -> {directory}"
    )
    return directory


def _train(snapshot_dir: Path, tracking_uri: str, model_name: str) -> None:
    """Train and register ``model_name@champion`` unless the registry already has it."""
    from features.validation import read_valid_snapshot
    from models.errors import ModelNotFoundError
    from risk.scoring.model import load_model
    from training.config import TrainingConfig
    from training.pipeline import train_and_register

    try:
        load_model(f"{model_name}@champion", tracking_uri)
        return
    except ModelNotFoundError:
        pass
    started = time.perf_counter()
    config = TrainingConfig(model_name=model_name, out_of_time=False, force_promote=True)
    train_and_register(read_valid_snapshot(snapshot_dir), None, config, tracking_uri)
    print(f"trained {model_name}@champion in {time.perf_counter() - started:.0f} s")


def main() -> int:
    """Simulate, train, score; print per-stage time and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--train-accounts", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_score"))
    parser.add_argument("--store-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()

    from risk.scoring import run_scoring

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    tracking_uri = f"sqlite:///{work / 'mlflow.db'}"
    train_dir = _simulate(work / f"train-{args.train_accounts}", args.train_accounts, seed=101)
    _train(train_dir, tracking_uri, "mlm-risk")
    score_dir = _simulate(work / f"score-{args.accounts}", args.accounts, seed=202)
    store_url = args.store_url
    if store_url is None:
        database = work / "risk.db"
        for leftover in work.glob("risk.db*"):
            leftover.unlink()
        store_url = f"sqlite:///{database}"
    out = work / "scores.parquet"

    imports = time.perf_counter()
    import lightgbm  # noqa: F401  (imported before the clock: import time is not scoring)
    import mlflow  # noqa: F401
    import shap  # noqa: F401

    print(f"imports (mlflow, shap, lightgbm) {time.perf_counter() - imports:.0f} s")
    print(f"scoring {score_dir} into {store_url}")
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = run_scoring(
        snapshot_dir=score_dir,
        as_of=None,
        model_ref="mlm-risk@champion",
        store_url=store_url,
        tracking_uri=tracking_uri,
        out=out,
        progress=PrintProgress(),
    )
    total = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    cpu = summary.cpu_seconds
    print(f"\n{'stage':<12}{'seconds':>10}{'CPU s':>10}{'peak MB':>10}")
    for stage, seconds in summary.timings.items():
        peak = summary.peak_memory_mb.get(stage, 0)
        print(f"{stage:<12}{seconds:>10.1f}{cpu.get(stage, 0):>10.1f}{peak:>10,.0f}")
    cpu_total = time.process_time() - cpu_started
    print(f"{'total':<12}{total:>10.1f}{cpu_total:>10.1f}{peak_gb * 1024:>10,.0f}")
    print(f"load average during the run: {os.getloadavg()[1]:.1f} (5 min) on {os.cpu_count()} CPUs")
    print(json.dumps({"accounts": summary.accounts_scored, "counts": summary.counts}))
    verdict = "PASS" if total < 300 and peak_gb < 12 else "MISS"
    print(
        f"{verdict}: {summary.accounts_scored:,} accounts in {total:.0f} s, "
        f"peak RSS {peak_gb:.1f} GB (targets: < 300 s, < 12 GB)"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

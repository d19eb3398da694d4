"""Simulate a large platform and write it as Parquet; print wall time per stage and peak RSS.

Usage: uv run python benchmarks/bench_simulate.py [--accounts 1000000] [--seed 0] [--out DIR]
Target (issue 2): 1M accounts with about 10M orders in under 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from features.snapshot import Snapshot
from training.simulator import SimulationConfig, write_snapshot
from training.simulator.pay import all_commissions
from training.simulator.population import build_population
from training.simulator.tables import (
    account_ids,
    accounts_table,
    commissions_table,
    labels_table,
    orders_table,
)
from training.simulator.trade import merge_sorted, trade

T = TypeVar("T")


def _timed(stage: str, step: Callable[[], T], times: dict[str, float]) -> T:
    """Run one stage, remember its wall time."""
    began = time.perf_counter()
    result = step()
    times[stage] = time.perf_counter() - began
    print(f"{stage:14} {times[stage]:7.1f} s", flush=True)
    return result


def main() -> None:
    """Run the stages of simulate_platform one by one, then write Parquet."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    config = SimulationConfig(accounts=args.accounts, seed=args.seed)
    times: dict[str, float] = {}
    population = _timed("population", lambda: build_population(config), times)
    first, consumer, restock = _timed(
        "orders", lambda: trade(population, config.orders_per_account, config.seed), times
    )
    pay = _timed(
        "commissions",
        lambda: all_commissions(population, first, consumer, restock, config.seed),
        times,
    )
    orders = _timed("sort orders", lambda: merge_sorted([first, consumer, restock]), times)

    def tables() -> Snapshot:
        ids = account_ids(len(population), config.seed)
        return Snapshot(
            accounts=accounts_table(population, ids, config.start, config.seed),
            orders=orders_table(orders, ids, config.start),
            commissions=commissions_table(pay, ids, config.start),
            labels=labels_table(population, ids),
        )

    snapshot = _timed("tables", tables, times)
    scratch = Path(tempfile.mkdtemp(prefix="bench_simulate_"))
    out = args.out or scratch / "snapshot"
    try:
        _timed("write parquet", lambda: write_snapshot(snapshot, out, "parquet"), times)
        size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"accounts {len(snapshot.accounts):,}  orders {len(snapshot.orders):,}  "
        f"commissions {len(snapshot.commissions):,}  parquet {size:.0f} MB"
    )
    print(f"total {sum(times.values()):.1f} s  peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()

"""Write N synthetic score rows (default 1M) to a fresh SQLite store and publish the run.

Usage: uv run python benchmarks/bench_store.py [--rows 1000000] [--url sqlite:///...]
Prints the write and publish times, rows per second, database size and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from risk.store.db import open_store
from risk.store.runs import begin_run, publish_run, write_scores
from risk.store.scores import get_account_score, review_queue


def synthetic_features(rows: int, count: int, seed: int) -> pd.DataFrame:
    """Feature values like the registry's: half counts (integers), half amounts and shares."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 500, (rows, count // 2)).astype(float)
    amounts = np.round(rng.random((rows, count - count // 2)) * 1000, 2)
    names = [f"feature_{i:02d}" for i in range(count)]
    return pd.DataFrame(np.hstack([counts, amounts]), columns=names)


def synthetic_scores(rows: int, start: int, seed: int) -> pd.DataFrame:
    """A chunk of rows: reasons for the top bands (Chinese text), no features column."""
    rng = np.random.default_rng(seed)
    score = rng.random(rows)
    band = np.select(
        [score > 0.99, score > 0.95, score > 0.8], ["critical", "high", "medium"], "low"
    )
    reasons = [
        [
            {
                "feature": "recruits_30d",
                "value": 12.0,
                "contribution": 0.8,
                "text": "近30天拉人头12人",
            }
        ]
        * 4
        if b != "low"
        else None
        for b in band
    ]
    return pd.DataFrame(
        {
            "account_id": [f"acct-{i:08d}" for i in range(start, start + rows)],
            "network_id": [f"net-{i % 5000}" for i in range(start, start + rows)],
            "region": np.where(rng.random(rows) > 0.5, "江苏", "浙江"),
            "tier": rng.integers(0, 12, rows),
            "score": score,
            "band": band,
            "rank": np.arange(start + 1, start + rows + 1),
            "reasons": reasons,
            "indicators": [[]] * rows,
            "percentiles": [{"recruits_30d": 50.0, "downline_size": 75.0}] * rows,
        }
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--features", type=int, default=50, help="feature values per account")
    parser.add_argument(
        "--as-dicts",
        action="store_true",
        help="pass features as a column of dicts (slower path) instead of a frame",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-store-"))
    url = args.url or f"sqlite:///{workdir / 'risk.db'}"
    engine = open_store(url)
    run_id = begin_run(
        engine,
        as_of=datetime(2026, 6, 30, tzinfo=UTC),
        model_name="bench",
        model_version="1",
        model_run_id=None,
        data_fingerprint=f"bench-{time.time()}",
        snapshot_path=None,
    )
    build_seconds = write_seconds = 0.0
    for start in range(0, args.rows, args.chunk):
        began = time.perf_counter()
        rows = min(args.chunk, args.rows - start)
        chunk = synthetic_scores(rows, start, seed=start)
        features = synthetic_features(rows, args.features, seed=start)
        if args.as_dicts:
            chunk["features"] = features.to_dict(orient="records")
        built = time.perf_counter()
        write_scores(engine, run_id, chunk, features=None if args.as_dicts else features)
        build_seconds += built - began
        write_seconds += time.perf_counter() - built
    began = time.perf_counter()
    publish_run(engine, run_id, accounts_scored=args.rows, counts={}, timings={}, drift=None)
    publish_seconds = time.perf_counter() - began
    review_queue(engine, bands=["critical", "high"], limit=50)  # warm the page cache
    began = time.perf_counter()
    page = review_queue(engine, bands=["critical", "high"], limit=50)
    queue_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    get_account_score(engine, f"acct-{args.rows // 2:08d}")
    lookup_ms = (time.perf_counter() - began) * 1000
    engine.dispose()
    size = sum(p.stat().st_size for p in workdir.glob("risk.db*")) / 1e6
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    print(f"backend          {engine.dialect.name}")
    print(
        f"rows             {args.rows:,} ({args.features} features per row, "
        f"{'dicts' if args.as_dicts else 'frame'})"
    )
    print(f"write_scores     {write_seconds:.1f} s  ({args.rows / write_seconds:,.0f} rows/s)")
    print(f"publish_run      {publish_seconds:.2f} s")
    print(f"(frame building  {build_seconds:.1f} s, not counted above)")
    print(f"queue page       {queue_ms:.0f} ms (total {page.total:,} high+critical)")
    print(f"account lookup   {lookup_ms:.1f} ms")
    print(f"database size    {size:,.0f} MB" if args.url is None else "database size    n/a")
    print(f"peak RSS         {peak_mb:,.0f} MB")
    print(f"process CPU      {cpu:.1f} s (wall time inflates when other jobs share the cores)")


if __name__ == "__main__":
    main()

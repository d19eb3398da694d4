"""Benchmark: opening cases after a nightly run, and claim-next under concurrent moderators.

    uv run python benchmarks/bench_cases.py [--accounts 200000] [--network-size 100]
        [--flagged-share 0.3] [--claimers 8] [--store-url URL] [--workdir /tmp/bench_cases]

Publishes a synthetic run (networks of --network-size accounts; in --flagged-share of them the
top accounts reach band high or critical, the next ones medium), then times
``sync_run_cases``: the first call (opens every flagged network's case with its accounts from
band medium up, one audit entry each), a second call on the same run (idempotent: nothing to
do), and a call on a second run where every flagged network gains accounts. Then --claimers
threads claim cases until none is left (``claim_next``: SKIP LOCKED on PostgreSQL, the write
lock on SQLite) and the claims per second and p50/p99 latency are printed, and every case is
checked to have been handed out once. Give --store-url postgresql+psycopg://... for
PostgreSQL (a fresh database); default a SQLite file in --workdir.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from risk.cases.assignment import claim_next
from risk.cases.opening import sync_run_cases
from risk.cases.records import CaseSync
from risk.store.db import open_store
from risk.store.runs import begin_run, publish_run, write_scores

SLA = {"critical": 24.0, "high": 72.0, "medium": 168.0}


def run_frame(
    accounts: int, size: int, flagged_share: float, extra: int, seed: int
) -> pd.DataFrame:
    """Scores of ``accounts`` accounts in networks of ``size``; flagged networks have their
    first 3 + ``extra`` members at high/critical and the next 10 at medium."""
    rng = np.random.default_rng(seed)
    network = np.arange(accounts) // size
    position = np.arange(accounts) % size
    flagged = rng.random(network.max() + 1) < flagged_share
    top = flagged[network] & (position < 3 + extra)
    middle = flagged[network] & ~top & (position < 13 + extra)
    score = np.where(top, 0.85 + 0.1 * rng.random(accounts), rng.random(accounts) * 0.3)
    score = np.where(middle, 0.5 + 0.1 * rng.random(accounts), score)
    band = np.select(
        [score >= 0.9, score >= 0.7, score >= 0.4], ["critical", "high", "medium"], "low"
    )
    order = np.argsort(-score, kind="stable")
    rank = np.empty(accounts, dtype=np.int64)
    rank[order] = np.arange(1, accounts + 1)
    return pd.DataFrame(
        {
            "account_id": [f"a{i:07d}" for i in range(accounts)],
            "network_id": [f"n{n:05d}" for n in network],
            "region": "浙江",
            "tier": position % 6,
            "score": score,
            "band": band,
            "rank": rank,
            "reasons": None,
            "indicators": None,
            "features": None,
            "percentiles": None,
        }
    )


def publish(engine: Engine, frame: pd.DataFrame) -> str:
    run_id = begin_run(
        engine,
        as_of=datetime(2026, 6, 30, tzinfo=UTC),
        model_name="bench",
        model_version="1",
        model_run_id=None,
        data_fingerprint=uuid.uuid4().hex,
        snapshot_path=None,
    )
    write_scores(engine, run_id, frame)
    publish_run(engine, run_id, accounts_scored=len(frame), counts={}, timings={}, drift=None)
    return run_id


def timed(label: str, call: Callable[[], CaseSync]) -> CaseSync:
    started = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--network-size", type=int, default=100)
    parser.add_argument("--flagged-share", type=float, default=0.3)
    parser.add_argument("--claimers", type=int, default=8)
    parser.add_argument("--store-url", default=None)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_cases"))
    args = parser.parse_args()
    if args.store_url is None:
        shutil.rmtree(args.workdir, ignore_errors=True)
        args.workdir.mkdir(parents=True)
        args.store_url = f"sqlite:///{args.workdir / 'risk.db'}"
    engine = open_store(args.store_url)
    print(f"store {engine.dialect.name}; load average {os.getloadavg()}")
    first = run_frame(args.accounts, args.network_size, args.flagged_share, 0, seed=1)
    run_id = publish(engine, first)
    synced = timed(
        "sync, first run (opens)", lambda: sync_run_cases(engine, run_id=run_id, sla_hours=SLA)
    )
    print(f"  {len(synced.opened)} cases opened, {synced.accounts_added} accounts")
    timed(
        "sync, same run again (nothing to do)",
        lambda: sync_run_cases(engine, run_id=run_id, sla_hours=SLA),
    )
    second = publish(
        engine, run_frame(args.accounts, args.network_size, args.flagged_share, 2, seed=1)
    )
    again = timed(
        "sync, next run (adds accounts)",
        lambda: sync_run_cases(engine, run_id=second, sla_hours=SLA),
    )
    print(f"  {len(again.updated)} cases updated, {again.accounts_added} accounts added")

    latencies: list[float] = []
    claimed: list[int] = []

    def claimer(name: str) -> None:
        while True:
            started = time.perf_counter()
            case = claim_next(engine, actor=name)
            latencies.append(time.perf_counter() - started)
            if case is None:
                return
            claimed.append(case.id)

    started = time.perf_counter()
    with ThreadPoolExecutor(args.claimers) as pool:
        list(pool.map(claimer, [f"m{i}" for i in range(args.claimers)]))
    seconds = time.perf_counter() - started
    assert len(claimed) == len(set(claimed)) == len(synced.opened), "a case was handed out twice"
    ms = sorted(1000 * value for value in latencies)
    print(
        f"claim-next, {args.claimers} threads: {len(claimed)} cases in {seconds:.2f} s "
        f"({len(claimed) / seconds:.0f}/s), p50 {statistics.median(ms):.1f} ms, "
        f"p99 {ms[int(0.99 * (len(ms) - 1))]:.1f} ms; each case once"
    )
    print(f"load average {os.getloadavg()}")
    engine.dispose()


if __name__ == "__main__":
    main()

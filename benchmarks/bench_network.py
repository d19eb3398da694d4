"""Benchmark the network view on one big network: in the database (now) versus in pandas (before).

    uv run python benchmarks/bench_network.py [--accounts 200000] [--others 5000] [--postgres]

Simulates one pyramid network of ``--accounts`` accounts (every tree hung under the first
root, as bench_spark.py --one-network does) beside a small platform of ``--others`` accounts,
builds their features, and publishes one scoring run whose stored features are what a real
run stores (the registry's numeric features; scores are synthetic, bands from fixed cuts).
Then each way of computing the view runs in its own fresh process (so that its peak RSS is
its own): ``before`` loads every account of the network with its features JSON into pandas
(the code this replaced, kept here only for the comparison); ``now`` is ``network_view``.
Both must give the same answer. ``--postgres`` uses a scratch database on 127.0.0.1:5432
(there the work is the server's: the CPU printed is only this process's share).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PG_SERVER = os.environ.get("RISK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
BIG_NETWORK = "big-network"
REPEATS = 3


def _one_network(accounts: pd.DataFrame) -> pd.DataFrame:
    """Every root but the first sponsored by the first: the platform becomes one network."""
    roots = accounts["sponsor_id"].isna()
    first = accounts.loc[roots, "account_id"].iloc[0]
    return accounts.assign(
        sponsor_id=accounts["sponsor_id"].mask(roots & (accounts["account_id"] != first), first)
    )


def _features(accounts: int, seed: int, *, one_network: bool) -> pd.DataFrame:
    """The feature table of a simulated platform (optionally made one network)."""
    from dataclasses import replace

    from features.build import build_features
    from training.simulator import SimulationConfig, simulate_platform

    snapshot = simulate_platform(SimulationConfig(accounts=accounts, seed=seed))
    if one_network:
        snapshot = replace(snapshot, accounts=_one_network(snapshot.accounts))
    return build_features(snapshot, snapshot.latest_event_time())


def _scores(features: pd.DataFrame, prefix: str, seed: int) -> pd.DataFrame:
    """Synthetic scores for the accounts (the view does not care how they were made)."""
    rng = np.random.default_rng(seed)
    score = rng.beta(0.6, 2.0, len(features))
    band = np.select(
        [score >= 0.8, score >= 0.6, score >= 0.3], ["critical", "high", "medium"], "low"
    )
    return pd.DataFrame(
        {
            "account_id": [f"{prefix}{a}" for a in features.index],
            "network_id": features["network_id"].astype(str).radd(prefix).to_numpy(),
            "region": "GD",
            "tier": features["tier"].to_numpy(),
            "score": score,
            "band": band,
        }
    )


def build_store(url: str, accounts: int, others: int) -> None:
    """One published run: the big network and a small platform beside it."""
    from risk.scoring.model import registry_feature_names
    from risk.scoring.stages import numeric_feature_columns
    from risk.store.db import open_store
    from risk.store.runs import begin_run, publish_run, write_scores

    big = _features(accounts, seed=1, one_network=True)
    small = _features(others, seed=2, one_network=False)
    stored = numeric_feature_columns(big, registry_feature_names())
    scores = pd.concat([_scores(big, "B", 1), _scores(small, "S", 2)], ignore_index=True)
    scores.loc[: len(big) - 1, "network_id"] = BIG_NETWORK
    features = pd.concat([big[stored], small[stored]], ignore_index=True)
    order = np.argsort(-scores["score"].to_numpy(), kind="stable")
    scores, features = scores.iloc[order], features.iloc[order]
    scores = scores.assign(rank=np.arange(1, len(scores) + 1)).reset_index(drop=True)
    engine = open_store(url)
    run_id = begin_run(
        engine,
        as_of=datetime(2026, 6, 30, tzinfo=UTC),
        model_name="bench",
        model_version="1",
        model_run_id=None,
        data_fingerprint=uuid.uuid4().hex,
        snapshot_path=None,
    )
    for start in range(0, len(scores), 50_000):
        part = slice(start, start + 50_000)
        write_scores(
            engine,
            run_id,
            scores.iloc[part],
            features=features.iloc[part].reset_index(drop=True),
        )
    publish_run(engine, run_id, accounts_scored=len(scores), counts={}, timings={}, drift=None)
    if engine.dialect.name == "postgresql":
        # Autovacuum analyzes a table this changed within a minute; time that steady state.
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE scores")
    engine.dispose()
    print(f"store: {len(big):,} accounts in {BIG_NETWORK}, {len(small):,} others")
    print(f"stored features per account: {len(stored)}")


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS now, VmHWM its peak).

    Not getrusage's ru_maxrss: Linux carries it over from the forking parent across exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _before(engine: Any, network_id: str) -> dict[str, Any]:
    """The view as it was computed before: every account and its features into pandas."""
    from risk.service import networks as service
    from risk.store.scores import network_scores

    records = network_scores(engine, network_id)
    features = pd.DataFrame.from_records([r.features or {} for r in records])
    money = features.reindex(columns=list(service.FLOWS)).apply(pd.to_numeric, errors="coerce")
    frame = money.fillna(0.0).rename(columns=service.FLOWS)
    frame["tier"] = pd.array([r.tier for r in records], dtype="Int64").fillna(-1)
    frame["band"] = [r.band for r in records]
    frame["score"] = [r.score for r in records]
    frame["rank"] = [r.rank for r in records]
    frame["account_id"] = [r.account_id for r in records]
    frame["flagged"] = frame["band"].isin(service.FLAGGED_BANDS)
    grouped = frame.groupby("tier", sort=True)
    table = grouped[list(service.FLOWS.values())].sum().round(2)
    table.insert(0, "accounts", grouped.size())
    table.insert(1, "flagged", grouped["flagged"].sum())
    table.insert(2, "mean_score", grouped["score"].mean().round(4))
    flagged = frame[frame["flagged"]].sort_values("rank").head(service.MAX_FLAGGED_LISTED)
    totals = frame[list(service.FLOWS.values())].sum().round(2)
    return {
        "run_id": records[0].run_id,
        "accounts": len(frame),
        "flagged": int(frame["flagged"].sum()),
        "bands": {str(k): int(v) for k, v in frame["band"].value_counts().items()},
        "tiers": json.loads(table.reset_index().to_json(orient="records")),
        "totals": {str(k): float(v) for k, v in totals.items()},
        "flagged_accounts": flagged["account_id"].tolist(),
    }


def _now(engine: Any, network_id: str) -> dict[str, Any]:
    """The view as ``network_view`` computes it now (in the database)."""
    from risk.service.networks import network_view

    view = network_view(engine=engine, network_id=network_id, actor="bench")
    view["flagged_accounts"] = [a["account_id"] for a in view["flagged_accounts"]]
    del view["network_id"]
    return view


def measure(url: str, way: str) -> None:
    """Child process: time one way of computing the view; print its figures as JSON."""
    import risk.service.networks
    import risk.store.scores  # noqa: F401  (imports are not the view's memory)
    from risk.store.db import open_store

    compute = {"before": _before, "now": _now}[way]
    engine = open_store(url)
    rss_before = _status_mb("VmRSS")
    seconds: list[float] = []
    cpu: list[float] = []
    view, error = None, None
    try:
        for _ in range(REPEATS):
            began, began_cpu = time.perf_counter(), time.process_time()
            view = compute(engine, BIG_NETWORK)
            seconds.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    except Exception as failure:  # the old way fails on PostgreSQL past 65,535 accounts
        error = str(failure).splitlines()[0][:200]
    engine.dispose()
    peak = _status_mb("VmHWM")
    figures = {"seconds": seconds, "cpu": cpu, "rss_before_mb": rss_before, "peak_rss_mb": peak}
    print(json.dumps({"figures": figures, "view": view, "error": error}, default=float))


def _run_child(url: str, way: str) -> dict[str, Any]:
    """Run ``measure`` in a fresh interpreter (its peak RSS is then its own)."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", way, "--url", url],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _same_view(before: dict[str, Any], now: dict[str, Any]) -> bool:
    """Same counts, tiers, totals and listed accounts (tiers compared by value)."""
    tiers_now = pd.DataFrame(now["tiers"]).set_index("tier")
    tiers_before = pd.DataFrame(before["tiers"]).set_index("tier")[tiers_now.columns]
    same_tiers = tiers_now.equals(tiers_before.astype(tiers_now.dtypes.to_dict()))
    keys = ("run_id", "accounts", "flagged", "bands", "totals", "flagged_accounts")
    return same_tiers and all(before[k] == now[k] for k in keys)


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named ``<prefix>_<random>``, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


@contextmanager
def _store_url(postgres: bool) -> Iterator[str]:
    """A scratch SQLite file or PostgreSQL database, removed afterwards."""
    if postgres:
        with scratch_postgres("bench_network") as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-network-") as temp:
        yield f"sqlite:///{Path(temp) / 'risk.db'}"


def main() -> None:
    """Build the store, measure both ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--others", type=int, default=5_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--measure", choices=("before", "now"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.url, args.measure)
        return
    with _store_url(args.postgres) as url:
        began = time.perf_counter()
        build_store(url, args.accounts, args.others)
        print(f"built in {time.perf_counter() - began:.0f} s ({url.split(':')[0]})")
        results = {way: _run_child(url, way) for way in ("before", "now")}
    for way, result in results.items():
        figures = result["figures"]
        runs = ", ".join(f"{s:.2f}" for s in figures["seconds"])
        cpu = ", ".join(f"{s:.2f}" for s in figures["cpu"])
        print(
            f"{way:<7} view {runs or '-'} s (this process's CPU {cpu or '-'} s); "
            f"peak RSS {figures['peak_rss_mb']:,.0f} MB "
            f"(+{figures['peak_rss_mb'] - figures['rss_before_mb']:,.0f} MB over the open store)"
        )
        if result["error"]:
            print(f"        failed: {result['error']}")
    before, now = results["before"]["view"], results["now"]["view"]
    if before is not None and now is not None:
        print(f"same answer: {_same_view(before, now)}")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

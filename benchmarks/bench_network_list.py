"""Benchmark: GET /v1/networks and a network view kept versus computed, over real HTTP.

    uv run python benchmarks/bench_network_list.py [--store /tmp/bench_api/home/risk.db]
        [--repeats 5] [--views 5] [--postgres]

Reads a published store (by default the 100,000-account one bench_api.py builds) through a
copy, so the original is never written (views are audited): a SQLite backup, or with
``--postgres`` the run copied into a scratch database on 127.0.0.1:5432 (dropped after).
Starts the API (no model) on loopback and times, each ``--repeats`` times (median, best):
the list of networks with several filters and pages; then, for the ``--views`` largest
flagged networks, the first view of each (computed in the database and kept) and the views
after it (from the worker's cache, still audited).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COPY_ROWS = 10_000
LISTS: dict[str, dict[str, Any]] = {
    "flagged, first page": {},
    "flagged, 5th page": {"offset": 200},
    "flagged in one region": {"region": "GD"},
    "critical only": {"min_band": "critical"},
    "reaching medium": {"min_band": "medium"},
    "every network, 1000 rows": {"min_band": "low", "limit": 1000},
}


def _copy_run_to(source_url: str, target_url: str) -> None:
    """The latest published run of ``source_url`` into a fresh store, chunk by chunk."""
    from sqlalchemy import select

    from risk.store.db import open_store
    from risk.store.runs import begin_run, latest_published_run, publish_run, write_scores
    from risk.store.schema import scores_table

    source, target = open_store(source_url), open_store(target_url)
    run = latest_published_run(source)
    assert run is not None, "no published run to copy"
    run_id = begin_run(
        target,
        as_of=run.as_of,
        model_name=run.model_name,
        model_version=run.model_version,
        model_run_id=run.model_run_id,
        data_fingerprint=run.data_fingerprint,
        snapshot_path=run.snapshot_path,
    )
    import pandas as pd

    columns = [c for c in scores_table.c if c.name != "run_id"]
    query = select(*columns).where(scores_table.c.run_id == run.id).order_by(scores_table.c.rank)
    with source.connect() as connection:
        result = connection.execution_options(yield_per=COPY_ROWS).execute(query)
        for rows in result.partitions():
            write_scores(target, run_id, pd.DataFrame.from_records(rows, columns=result.keys()))
    publish_run(
        target, run_id, accounts_scored=run.accounts_scored or 0, counts={}, timings={}, drift=None
    )
    with target.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    source.dispose()
    target.dispose()


@contextmanager
def store_copy(store: Path, postgres: bool) -> Iterator[str]:
    """A copy of the store to serve (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="bench-network-list-") as temp:
        if not postgres:
            copy = Path(temp) / "risk.db"
            with sqlite3.connect(store) as source, sqlite3.connect(copy) as target:
                source.backup(target)
            yield f"sqlite:///{copy}"
            return
        from bench_network import scratch_postgres

        with scratch_postgres("bench_networks") as url:
            _copy_run_to(f"sqlite:///{store}", url)
            yield url


def timed(call: Callable[[], Any], repeats: int) -> list[float]:
    """Wall seconds of each call (each must answer 200)."""
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        response = call()
        seconds.append(time.perf_counter() - began)
        assert response.status_code == 200, response.text
    return seconds


def _ms(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds) * 1000:7.1f} ms, best {min(seconds) * 1000:7.1f}"


def measure(url: str, repeats: int, views: int) -> None:
    """Serve the store and print the figures."""
    import httpx

    from risk.settings import Settings
    from risk.store.db import open_store
    from risk.store.keys import create_key
    from tests.api.conftest import start_server

    engine = open_store(url)
    key = create_key(engine, role="moderator", name=f"bench-{uuid.uuid4().hex[:6]}")[0]
    engine.dispose()
    with tempfile.TemporaryDirectory() as home:
        settings = Settings.model_validate({"home": home, "database_url": url})
        server = start_server(settings, load_model=False)
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
            for label, params in LISTS.items():
                seconds = timed(lambda p=params: http.get("/v1/networks", params=p), repeats)
                total = http.get("/v1/networks", params=params).json()["total"]
                print(f"GET /v1/networks {label:<26} {_ms(seconds)}  ({total:,} networks)")
            biggest = http.get("/v1/networks", params={"limit": views}).json()["items"]
            for network in sorted(biggest, key=lambda n: -n["accounts"]):
                path = f"/v1/networks/{network['network_id']}"
                first = timed(lambda p=path: http.get(p), 1)
                kept = timed(lambda p=path: http.get(p), repeats)
                print(
                    f"GET {path:<28} {network['accounts']:>7,} accounts: computed "
                    f"{first[0] * 1000:7.1f} ms, kept {_ms(kept)}"
                )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench_api/home/risk.db"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--views", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if not args.store.exists():
        sys.exit(f"{args.store}: no store (build it: uv run python benchmarks/bench_api.py)")
    with store_copy(args.store, args.postgres) as url:
        print(f"store: copy of {args.store} ({url.split(':')[0]})")
        measure(url, args.repeats, args.views)
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: prune two of three published runs of a simulated platform, then VACUUM.

    uv run python benchmarks/bench_prune.py [--accounts 200000] [--workdir /tmp/bench_prune]

Simulates a platform (kept in the work dir), trains a small model on a 20k-account sample
(kept too), scores the platform once into a fresh store (or ``--store-url``) and publishes the
same rows twice more as older runs (a copy in SQL: scoring three times would only add
minutes). Then ``risk runs prune --keep-last 1`` drops the older runs' low-band rows while a
writer appends to the audit log every 50 ms, as the API does, and the store is vacuumed.
Prints the prune time, rows per second, how long the writer waited, and the sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def _simulated(directory: Path, accounts: int, seed: int) -> Path:
    """A simulated snapshot in ``directory`` (made once)."""
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    if not (directory / "accounts.parquet").exists():
        platform = simulate_platform(SimulationConfig(accounts=accounts, seed=seed))
        write_snapshot(platform, directory, "parquet")
    return directory


def _trained(snapshot_dir: Path, tracking_uri: str) -> None:
    """A small model registered @champion (made once)."""
    from features.validation import read_valid_snapshot
    from models.errors import ModelNotFoundError
    from risk.scoring.model import load_model
    from training.config import TrainingConfig
    from training.pipeline import train_and_register

    try:
        load_model("mlm-risk@champion", tracking_uri)
    except ModelNotFoundError:
        config = TrainingConfig(
            model_name="mlm-risk",
            classifier={"n_estimators": 100, "early_stopping_rounds": 10},
            out_of_time=False,
            force_promote=True,
        )
        train_and_register(read_valid_snapshot(snapshot_dir), None, config, tracking_uri)


def _copy_as_older_run(engine: Any, source_id: str, days_back: int) -> str:
    """Publish the rows of ``source_id`` again as a run ``days_back`` days older."""
    from sqlalchemy import String, insert, literal, select

    from risk.store.db import write_transaction
    from risk.store.runs import begin_run, get_run, publish_run
    from risk.store.schema import scores_table

    source = get_run(engine, source_id)
    assert source is not None
    run_id = begin_run(
        engine,
        as_of=source.as_of - timedelta(days=days_back),
        model_name=source.model_name,
        model_version=source.model_version,
        model_run_id=source.model_run_id,
        data_fingerprint=uuid.uuid4().hex,
        snapshot_path=source.snapshot_path,
    )
    names = [column.name for column in scores_table.c if column.name != "run_id"]
    copied = select(literal(run_id, String).label("run_id"), *[scores_table.c[n] for n in names])
    with write_transaction(engine) as connection:
        connection.execute(
            insert(scores_table).from_select(
                ["run_id", *names], copied.where(scores_table.c.run_id == source_id)
            )
        )
    publish_run(
        engine,
        run_id,
        accounts_scored=int(source.accounts_scored or 0),
        counts=dict(source.counts or {}),
        timings={},
        drift=source.drift,
    )
    return run_id


def _sizes(engine: Any) -> str:
    """Store size, and how much of it is free pages (reused by later runs without VACUUM)."""
    from sqlalchemy import text

    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            size = connection.execute(text("SELECT pg_total_relation_size('scores')")).scalar()
        return f"scores table {size / 1e6:,.0f} MB"
    with engine.connect() as connection:
        page = connection.exec_driver_sql("PRAGMA page_size").scalar()
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        free = connection.exec_driver_sql("PRAGMA freelist_count").scalar()
    return f"file {pages * page / 1e6:,.0f} MB, of which free pages {free * page / 1e6:,.0f} MB"


class AuditWriter(threading.Thread):
    """Appends an audit entry every 50 ms (like API account views) and times each append."""

    def __init__(self, engine: Any) -> None:
        super().__init__(daemon=True)
        self.engine, self.done = engine, threading.Event()
        self.waits: list[float] = []

    def run(self) -> None:
        from risk.store.audit import append_audit

        while not self.done.is_set():
            started = time.perf_counter()
            append_audit(self.engine, actor="bench", action="account.view", target="acct")
            self.waits.append(time.perf_counter() - started)
            time.sleep(0.05)


def main() -> None:
    """Simulate, score, copy, prune while writing, vacuum; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_prune"))
    parser.add_argument("--store-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()

    from risk.scoring import run_scoring
    from risk.store.db import open_store
    from risk.store.retention import RetentionPolicy, prune_runs
    from risk.store.vacuum import vacuum_store

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    tracking_uri = f"sqlite:///{work / 'mlflow.db'}"
    _trained(_simulated(work / "train-20000", 20_000, seed=101), tracking_uri)
    snapshot = _simulated(work / f"score-{args.accounts}", args.accounts, seed=202)
    store_url = args.store_url
    if store_url is None:
        for leftover in work.glob("risk.db*"):
            leftover.unlink()
        store_url = f"sqlite:///{work / 'risk.db'}"
    started = time.perf_counter()
    latest = run_scoring(
        snapshot_dir=snapshot,
        as_of=None,
        model_ref="mlm-risk@champion",
        store_url=store_url,
        tracking_uri=tracking_uri,
    )
    print(f"scored {latest.accounts_scored:,} accounts in {time.perf_counter() - started:.0f} s")
    print(f"bands {latest.counts['bands']}")
    engine = open_store(store_url)
    started = time.perf_counter()
    for days_back in (2, 1):
        _copy_as_older_run(engine, latest.run_id, days_back)
    print(f"published 2 older copies in {time.perf_counter() - started:.0f} s")
    print(f"store with 3 runs      {_sizes(engine)}")

    writer = AuditWriter(engine)
    writer.start()
    result = prune_runs(engine, RetentionPolicy(keep_last=1))
    writer.done.set()
    writer.join()
    dropped = result.rows_dropped
    print(
        f"prune                  {result.seconds:.1f} s for {dropped:,} rows of "
        f"{len(result.actions)} runs ({dropped / result.seconds:,.0f} rows/s); "
        f"kept {sum(a.rows_kept for a in result.actions):,} rows"
    )
    waits = sorted(writer.waits)
    print(
        f"audit appends meanwhile {len(waits)}: median {statistics.median(waits) * 1000:.0f} ms, "
        f"p99 {waits[int(len(waits) * 0.99)] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
    )
    print(f"store after prune      {_sizes(engine)}")
    vacuumed = vacuum_store(engine)
    print(
        f"vacuum                 {vacuumed.seconds:.1f} s: {vacuumed.bytes_before / 1e6:,.0f} MB"
        f" -> {vacuumed.bytes_after / 1e6:,.0f} MB ({vacuumed.backend})"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

"""Benchmark: the nightly scoring run end to end on a simulated 1M-account platform.

    uv run python benchmarks/bench_score.py [--accounts 1000000] [--workdir /tmp/bench_score]
        [--snapshot DIR] [--positive-share 0.05] [--store-url URL | --database postgresql]
        [--night-change 0.05]

Simulates the platform once (kept in the work dir; or scores ``--snapshot``), trains and
registers a model on a smaller simulated sample (kept too), then times ``run_scoring``
(features, scores, reasons for medium and above, indicators, drift, write to a fresh SQLite
store, a fresh PostgreSQL database with ``--database postgresql``, or ``--store-url``; score
table file) and prints wall, CPU seconds and peak resident
memory per stage, the bytes the run added to the store, and, in the same process, the floor:
read the Parquet tables, the feature group-bys and one predict pass; then run / floor.
Targets (issue 21): <= 60 s, <= 6 GB, run / floor <= 2.0, <= 1 GB stored per 1M accounts.
With ``--night-change SHARE`` a second, incremental night follows in the same store: the same
snapshot where networks holding SHARE of the accounts changed (networks drawn at random; one
seller's orders in each worth 1.5 times more), scored as of the same time; it prints its stages
and how many reasons it reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


def _simulate(directory: Path, accounts: int, seed: int, positive_share: float = 0.3) -> Path:
    """Simulate a platform into ``directory`` unless it is already there."""
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    if (directory / "accounts.parquet").exists():
        return directory
    started = time.perf_counter()
    config = SimulationConfig(accounts=accounts, seed=seed, positive_share=positive_share)
    snapshot = simulate_platform(config)
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


@dataclass
class Stopwatch:
    """Wall, CPU and peak RSS of named steps (the floor's read, group-bys and predict)."""

    rows: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as step ``name``."""
        from risk.scoring.progress import _reset_peak_rss, peak_rss_mb

        _reset_peak_rss()
        started, cpu_started = time.perf_counter(), time.process_time()
        yield
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.rows[name] = (wall, cpu, peak_rss_mb())

    @property
    def total(self) -> float:
        """Wall seconds of every step."""
        return sum(wall for wall, _, _ in self.rows.values())


def measure_floor(snapshot_dir: Path, model_ref: str, tracking_uri: str) -> Stopwatch:
    """What any run must do: read the Parquet tables (no validation), the feature build's
    group-bys and one predict pass over every account."""
    from features.build import build_features
    from features.loading import load_snapshot
    from risk.scoring.model import load_model

    scorer = load_model(model_ref, tracking_uri)
    watch = Stopwatch()
    with watch.step("read parquet"):
        snapshot = load_snapshot(snapshot_dir)
    with watch.step("feature group-bys"):
        features = build_features(snapshot, snapshot.latest_event_time())
        del snapshot
    with watch.step("one predict"):
        scorer.predict_proba(features[list(scorer.feature_names)])
    return watch


def store_bytes(store_url: str, home: Path) -> int:
    """Bytes the store holds: the database (SQLite files or PostgreSQL's database size) and
    the per-run files under the store's home."""
    from sqlalchemy import create_engine, text

    if store_url.startswith("sqlite"):
        # a SQLite store keeps its runs' values files in runs/ beside its file
        database = Path(store_url.removeprefix("sqlite:///"))
        files = [*database.parent.glob(database.name + "*"), *database.parent.glob("runs/*")]
        return sum(f.stat().st_size for f in files)
    on_disk = sum(f.stat().st_size for f in home.glob("runs/*"))
    engine = create_engine(store_url)
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return on_disk + int(size or 0)


def fresh_postgresql(name: str) -> str:
    """A new, empty database ``name`` on the local PostgreSQL (trust auth, user postgres): the
    run's store, as the SQLite default is a fresh file."""
    from sqlalchemy import create_engine, text

    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def account_lookups(store_url: str, account_ids: list[str], count: int = 2_000) -> str:
    """p50/p99 of one account's stored score with its feature values and percentiles (what
    ``GET /v1/accounts/{id}`` reads), over ``count`` random accounts of the run."""
    import numpy as np

    from risk.store.db import open_store
    from risk.store.scores import get_account_score

    engine = open_store(store_url)
    chosen = np.random.default_rng(0).choice(account_ids, size=count)
    seconds = []
    for account_id in chosen:
        started = time.perf_counter()
        record = get_account_score(engine, str(account_id))
        seconds.append(time.perf_counter() - started)
        assert record is not None and record.features, account_id
    p50, p99 = np.percentile(seconds, [50, 99]) * 1000
    return f"account lookups with features ({count:,}): p50 {p50:.2f} ms, p99 {p99:.2f} ms"


def next_night(snapshot_dir: Path, directory: Path, scores: Path, account_share: float) -> Path:
    """The snapshot where networks (drawn at random from the run's score file) holding
    ``account_share`` of the accounts changed: one seller's orders in each worth 1.5 times more
    (a network's every member has the network's signals: all of them change)."""
    import shutil

    import numpy as np
    import pandas as pd

    if directory.exists():
        shutil.rmtree(directory)
    shutil.copytree(snapshot_dir, directory)
    orders = pd.read_parquet(directory / "orders.parquet")
    members = pd.read_parquet(scores, columns=["account_id", "network_id"])
    sizes = members["network_id"].value_counts()
    drawn = sizes.sample(frac=1.0, random_state=5)
    chosen = drawn.index[: int(np.searchsorted(drawn.cumsum(), account_share * len(members))) + 1]
    in_chosen = members[members["network_id"].isin(chosen)]
    sellers = orders.loc[orders["seller_id"].isin(in_chosen["account_id"]), "seller_id"]
    one_each = in_chosen[in_chosen["account_id"].isin(sellers)].groupby("network_id").head(1)
    moved = orders["seller_id"].isin(one_each["account_id"])
    orders.loc[moved, "amount"] = (orders.loc[moved, "amount"] * 1.5).round(2)
    orders.to_parquet(directory / "orders.parquet", index=False)
    print(
        f"next night: {len(one_each):,} networks of {len(in_chosen):,} accounts "
        f"({len(in_chosen) / len(members):.1%}) changed ({int(moved.sum()):,} orders)"
        f" -> {directory}"
    )
    return directory


def _print_rows(
    rows: dict[str, tuple[float, float, float]], total: tuple[float, float, float]
) -> None:
    """One line per stage: wall, CPU seconds, peak MB; then the total."""
    print(f"{'stage':<20}{'seconds':>10}{'CPU s':>10}{'peak MB':>10}")
    for stage, (wall, cpu, peak) in {**rows, "total": total}.items():
        print(f"{stage:<20}{wall:>10.1f}{cpu:>10.1f}{peak:>10,.0f}")


def main() -> int:
    """Simulate, train, score; print per-stage time, memory, store bytes and the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--positive-share", type=float, default=0.3, help="scheme share")
    parser.add_argument("--snapshot", type=Path, default=None, help="score this snapshot")
    parser.add_argument("--train-accounts", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_score"))
    parser.add_argument("--store-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a fresh database on 127.0.0.1:5432 (user postgres), dropped first",
    )
    parser.add_argument(
        "--night-change",
        type=float,
        default=None,
        help="then an incremental night where this share of the accounts changed",
    )
    args = parser.parse_args()

    import pandas as pd

    from risk.scoring import run_scoring

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    tracking_uri = f"sqlite:///{work / 'mlflow.db'}"
    train_dir = _simulate(work / f"train-{args.train_accounts}", args.train_accounts, seed=101)
    _train(train_dir, tracking_uri, "mlm-risk")
    score_dir = args.snapshot or _simulate(
        work / f"score-{args.accounts}-{args.positive_share}",
        args.accounts,
        seed=202,
        positive_share=args.positive_share,
    )
    home = work / "home"
    os.environ["RISK_HOME"] = str(home)  # the per-run files of the store live here
    store_url = args.store_url
    if store_url is None and args.database == "postgresql":
        store_url = fresh_postgresql("risk_bench_score")
        for leftover in home.glob("runs/*"):
            leftover.unlink()
    if store_url is None:
        database = work / "risk.db"
        for leftover in [*work.glob("risk.db*"), *work.glob("runs/*")]:
            leftover.unlink()
        store_url = f"sqlite:///{database}"
    out = work / f"scores-{score_dir.name}.parquet"

    imports = time.perf_counter()
    import lightgbm  # noqa: F401  (imported before the clock: import time is not scoring)
    import mlflow  # noqa: F401

    print(f"imports (mlflow, lightgbm) {time.perf_counter() - imports:.0f} s")
    print(f"scoring {score_dir} into {store_url}; load {Path('/proc/loadavg').read_text()}")
    bytes_before = store_bytes(store_url, home)
    print(f"store {store_url} holds {bytes_before / 1e6:,.0f} MB before the run")
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
    cpu_total = time.process_time() - cpu_started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    load_run = Path("/proc/loadavg").read_text().strip()
    stored = store_bytes(store_url, home) - bytes_before

    rows = {
        stage: (seconds, summary.cpu_seconds.get(stage, 0), summary.peak_memory_mb.get(stage, 0))
        for stage, seconds in summary.timings.items()
    }
    print(f"\nrun of {summary.accounts_scored:,} accounts (load average {load_run})")
    _print_rows(rows, (total, cpu_total, peak_gb * 1024))
    print(f"store bytes added by the run: {stored / 1e6:,.0f} MB")
    scored = pd.read_parquet(out, columns=["account_id"])["account_id"].astype(str).tolist()
    lookups = account_lookups(store_url, scored)
    print(f"{lookups} (load {Path('/proc/loadavg').read_text().strip()})")
    print(json.dumps({"accounts": summary.accounts_scored, "counts": summary.counts}))

    floor = measure_floor(score_dir, "mlm-risk@champion", tracking_uri)
    load_floor = Path("/proc/loadavg").read_text().strip()
    print(f"\nfloor, same process (load average {load_floor})")
    cpu_floor = sum(cpu for _, cpu, _ in floor.rows.values())
    peak_floor = max(peak for _, _, peak in floor.rows.values())
    _print_rows(floor.rows, (floor.total, cpu_floor, peak_floor))
    ratio = total / floor.total
    verdict = "PASS" if total <= 60 and peak_gb <= 6 and ratio <= 2.0 else "MISS"
    print(
        f"\n{verdict}: {summary.accounts_scored:,} accounts in {total:.1f} s, floor "
        f"{floor.total:.1f} s, run/floor {ratio:.2f}, peak RSS {peak_gb:.1f} GB, store "
        f"+{stored / 1e9:.2f} GB (targets: <= 60 s, run/floor <= 2.0, <= 6 GB, <= 1 GB per 1M)"
        f"; load average {load_run}"
    )
    if args.night_change is not None:
        night = next_night(score_dir, work / "night", out, args.night_change)
        bytes_before_night = store_bytes(store_url, home)
        started, cpu_started = time.perf_counter(), time.process_time()
        again = run_scoring(
            snapshot_dir=night,
            as_of=summary.as_of,
            model_ref="mlm-risk@champion",
            store_url=store_url,
            tracking_uri=tracking_uri,
            out=work / "scores-night.parquet",
            progress=PrintProgress(),
        )
        night_total = time.perf_counter() - started
        night_cpu = time.process_time() - cpu_started
        load_night = Path("/proc/loadavg").read_text().strip()
        night_stored = store_bytes(store_url, home) - bytes_before_night
        night_peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        explained = sum(again.counts["bands"][band] for band in ("medium", "high", "critical"))
        print(f"\nincremental night (load average {load_night})")
        night_rows = {
            stage: (seconds, again.cpu_seconds.get(stage, 0), again.peak_memory_mb.get(stage, 0))
            for stage, seconds in again.timings.items()
        }
        _print_rows(night_rows, (night_total, night_cpu, max(again.peak_memory_mb.values())))
        print(
            f"scores reused {again.scores_reused:,} of {again.accounts_scored:,}, reasons reused "
            f"{again.reasons_reused:,} of {explained:,} explained; store bytes added by the night:"
            f" {night_stored / 1e6:,.0f} MB"
        )
        night_ratio = night_total / floor.total
        night_verdict = "PASS" if night_total <= 15 and night_ratio <= 0.5 else "MISS"
        print(
            f"{night_verdict}: night of {again.accounts_scored:,} accounts in {night_total:.1f} s"
            f" ({night_cpu:.1f} CPU s), night/floor {night_ratio:.2f}, process peak RSS"
            f" {night_peak_gb:.1f} GB, store +{night_stored / 1e9:.2f} GB (targets: <= 15 s at"
            f" 1M, night/floor <= 0.5); load average {load_night}"
        )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

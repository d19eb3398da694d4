"""Benchmark: a scoring run's write stage and publish alone, on a run table read back from a store.

    uv run python benchmarks/bench_write.py --source /tmp/bench_score/risk.db [--accounts 200000]
        [--repeat 2] [--store-url URL]

Reads the first published run of a SQLite store ``bench_score.py`` left (its rows, reasons and
indicators), then writes it ``--repeat`` times as new runs into a fresh SQLite store (or
``--store-url``) the way ``risk score`` does: rows in rank order, 100,000 per transaction, the
score file (Parquet) beside them, then the publish (digest and seal). Prints wall and CPU
seconds of each, with the load average. The stages before the write (features, predict,
TreeSHAP) are not run, so changes to the write can be compared on a busy machine by running
this from two checkouts in turn (interleaved) on the same source store.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import orjson
import pandas as pd

AS_OF = pd.Timestamp("2026-01-01", tz="UTC")
COLUMNS = (
    "account_id", "network_id", "region", "tier", "score", "band", "rank", "role",
    "role_probability", "reasons", "indicators", "network_score", "branch_score",
)  # fmt: skip


def run_table(source: Path, accounts: int) -> pd.DataFrame:
    """The first published run of the source store as a run table (index account_id)."""
    from risk.scoring.table import RUN_TABLE_COLUMNS

    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    run_id = connection.execute(
        "SELECT id FROM scoring_runs WHERE status = 'published' ORDER BY published_at LIMIT 1"
    ).fetchone()[0]
    rows = connection.execute(
        f"SELECT {', '.join(COLUMNS)} FROM scores WHERE run_id = ? ORDER BY account_id LIMIT ?",
        (run_id, accounts),
    ).fetchall()
    table = pd.DataFrame(rows, columns=list(COLUMNS)).set_index("account_id")
    for name in ("reasons", "indicators"):
        table[name] = [orjson.loads(v) if isinstance(v, str) else None for v in table[name]]
    table["as_of"] = AS_OF
    return table[list(RUN_TABLE_COLUMNS)]


def write_once(store_url: str, work: Path, table: pd.DataFrame, key: str) -> str:
    """Write and publish the table as one new run; one line of figures."""
    from risk.scoring.progress import NullProgress, StageClock
    from risk.scoring.publish import ROWS_PER_TRANSACTION
    from risk.scoring.score_file import ScoreTableWriter
    from risk.scoring.stages import write_in_chunks
    from risk.store.db import open_store
    from risk.store.runs import begin_run, publish_run

    store = open_store(store_url)
    run_id = begin_run(
        store, as_of=AS_OF, model_name="bench", model_version="1", model_run_id=None,
        data_fingerprint=key, snapshot_path=None,
    )  # fmt: skip
    score_file = ScoreTableWriter(work / f"{key}.parquet", "bench/1", AS_OF)
    started, cpu = time.perf_counter(), time.process_time()
    written = write_in_chunks(
        store, run_id, table, StageClock(NullProgress()), stage="write",
        chunk_size=ROWS_PER_TRANSACTION, score_file=score_file,
    )  # fmt: skip
    score_file.close()
    wrote, wrote_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    publish_run(store, run_id, accounts_scored=written, counts={}, timings={}, drift=None)
    published, published_cpu = time.perf_counter() - started, time.process_time() - cpu
    store.dispose()
    load = Path("/proc/loadavg").read_text().split()[0]
    return (
        f"{key}: write {wrote:.1f} s ({wrote_cpu:.1f} CPU s), publish {published:.1f} s"
        f" ({published_cpu:.1f} CPU s) for {written:,} rows; load {load}"
    )


def main() -> int:
    """Read the source run once, write it ``--repeat`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="a bench_score SQLite store")
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--store-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    table = run_table(args.source, args.accounts)
    work = Path(tempfile.mkdtemp(prefix="bench_write_"))
    store_url = args.store_url or f"sqlite:///{work / 'risk.db'}"
    try:
        for repeat in range(args.repeat):
            print(write_once(store_url, work, table, f"run{repeat + 1}"), flush=True)
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())

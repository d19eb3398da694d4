"""How long a case decided for many accounts takes to write: decision rows and their chained
audit entries in one transaction (``store.decisions.insert_decisions_in``).

    uv run python benchmarks/bench_decisions_write.py [--accounts 5000] [--store-url URL]

Default store: a fresh SQLite file; for PostgreSQL pass a URL of an empty database. Prints the
seconds and the load average.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--store-url", default=None)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-decisions-")
    os.environ.setdefault("RISK_HOME", home)
    os.environ.setdefault("RISK_AUDIT_KEY", uuid.uuid4().hex * 2)
    from risk.store.db import open_store, write_transaction
    from risk.store.decisions import NewDecision, insert_decisions_in
    from risk.store.runs import begin_run, publish_run, write_scores

    engine = open_store(args.store_url or f"sqlite:///{home}/risk.db")
    count = args.accounts
    ids = [f"a{i}" for i in range(count)]
    scores = pd.DataFrame(
        {"account_id": ids, "score": 0.5, "band": "medium", "rank": range(1, count + 1)}
    )
    run_id = begin_run(
        engine,
        as_of=datetime(2026, 6, 30, tzinfo=UTC),
        model_name="mlm-risk",
        model_version="1",
        model_run_id="bench",
        data_fingerprint=uuid.uuid4().hex,
        snapshot_path="/bench",
    )
    write_scores(engine, run_id, scores)
    publish_run(engine, run_id, accounts_scored=count, counts={}, timings={}, drift=None)
    decisions = [
        NewDecision(i, run_id, 0.5, "medium", "confirm", "case 1", "lead", {"case_id": 1})
        for i in ids
    ]
    started = time.perf_counter()
    with write_transaction(engine) as connection:
        insert_decisions_in(connection, decisions)
    seconds = time.perf_counter() - started
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(
        f"{count:,} decisions and audit entries, one transaction, {engine.dialect.name}: "
        f"{seconds:.2f} s (load {' '.join(load)})"
    )


if __name__ == "__main__":
    main()

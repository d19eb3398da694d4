"""A scoring process killed mid-write leaves the published run serving; a rerun is clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from risk.store.runs import (
    begin_run,
    find_published_run,
    latest_published_run,
    publish_run,
    write_scores,
)
from risk.store.schema import scores_table
from risk.store.scores import review_queue
from tests.risk.conftest import AS_OF, RunWriter, make_scores

KEY = {"data_fingerprint": "crash-fp", "as_of": AS_OF, "model_name": "m", "model_version": "2"}

# The child writes chunk after chunk forever (never publishing) until it is killed.
WRITER = """
import sys
from datetime import datetime
from risk.store.db import open_store
from risk.store.runs import begin_run, write_scores
from tests.risk.conftest import make_scores
engine = open_store(sys.argv[1])
run_id = begin_run(engine, as_of=datetime.fromisoformat(sys.argv[2]), model_name="m",
                   model_version="2", model_run_id=None, data_fingerprint="crash-fp",
                   snapshot_path=None)
frame = make_scores(40_000)
print(run_id, flush=True)
for start in range(0, len(frame), 2_000):
    write_scores(engine, run_id, frame.iloc[start:start + 2_000])
    print("chunk", flush=True)
"""


def _rows(engine: Engine, run_id: str) -> int:
    with engine.connect() as connection:
        query = (
            select(func.count()).select_from(scores_table).where(scores_table.c.run_id == run_id)
        )
        return connection.execute(query).scalar_one()


def test_kill_during_write_keeps_previous_run_and_rerun_is_clean(
    store_engine: Engine, store_url: str, publish_scores: RunWriter
) -> None:
    previous = publish_scores(make_scores(30))
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, store_url, AS_OF.isoformat()],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert child.stdout is not None
    crashed = child.stdout.readline().split()[0]
    for _ in range(2):  # let it commit a couple of chunks, then kill it mid-flight
        assert child.stdout.readline().strip() == "chunk"
    time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert _rows(store_engine, crashed) >= 4_000
    assert latest_published_run(store_engine).id == previous  # type: ignore[union-attr]
    assert review_queue(store_engine, decision_status="all").total == 30

    rerun = begin_run(store_engine, model_run_id=None, snapshot_path=None, **KEY)  # type: ignore[arg-type]
    assert _rows(store_engine, crashed) == 0
    write_scores(store_engine, rerun, make_scores(50))
    publish_run(store_engine, rerun, accounts_scored=50, counts={}, timings={}, drift=None)
    assert find_published_run(store_engine, **KEY).id == rerun  # type: ignore[arg-type, union-attr]
    assert latest_published_run(store_engine).id == rerun  # type: ignore[union-attr]

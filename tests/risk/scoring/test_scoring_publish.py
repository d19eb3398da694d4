"""All or nothing: a run killed mid-write is never served; the previous run still is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from risk.scoring import run_scoring
from tests.trained_world import TrainedWorld

CLI = "from risk.cli import main; main()"


def _scores_written(engine: Engine, run_id: str) -> int:
    from risk.store.schema import scores_table

    with engine.connect() as connection:
        query = select(func.count()).where(scores_table.c.run_id == run_id)
        return int(connection.execute(query).scalar_one())


def _wait_for_rows(engine: Engine, process: subprocess.Popen[bytes], timeout: float) -> str:
    """Poll until the child's run exists and has some score rows; its run id."""
    from risk.store.runs import list_runs

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run finished before it could be killed"
        running = [run for run in list_runs(engine) if run.status == "running"]
        if running and _scores_written(engine, running[0].id) > 0:
            return running[0].id
        time.sleep(0.05)
    raise AssertionError("the run never started writing scores")


@pytest.mark.slow
def test_run_killed_mid_write_is_invisible_and_previous_run_still_served(
    trained_world: TrainedWorld, sqlite_store_url: str, tmp_path: Path
) -> None:
    from risk.store.db import open_store
    from risk.store.runs import get_run, latest_published_run
    from risk.store.scores import get_account_score, review_queue

    store_url = sqlite_store_url
    # the previous night: an earlier as_of, so the killed run would be the latest if it showed
    previous = run_scoring(
        snapshot_dir=trained_world.snapshot_dir,
        as_of=pd.Timestamp("2025-12-01T00:00:00Z"),
        model_ref=trained_world.model_ref,
        store_url=store_url,
        tracking_uri=trained_world.tracking_uri,
    )
    env = {
        **os.environ,
        "RISK_HOME": str(tmp_path / "home"),
        "RISK_DATABASE_URL": store_url,
        "MLFLOW_TRACKING_URI": trained_world.tracking_uri,
    }
    out = tmp_path / "scores.parquet"
    args = [sys.executable, "-c", CLI, "score", str(trained_world.snapshot_dir), "--quiet"]
    # small chunks: the run commits many write transactions, so the kill lands between them
    process = subprocess.Popen([*args, "--out", str(out), "--chunk-size", "100"], env=env)
    engine = open_store(store_url)
    try:
        killed_id = _wait_for_rows(engine, process, timeout=150)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    latest = latest_published_run(engine)
    assert latest is not None and latest.id == previous.run_id
    killed = get_run(engine, killed_id)
    assert killed is not None and killed.status == "running" and killed.published_at is None
    assert not out.exists()  # only a hidden temporary file, swept by the next commit
    queue = review_queue(engine, bands=None, decision_status="all", limit=5)
    assert queue.items and {item.run_id for item in queue.items} == {previous.run_id}
    top = queue.items[0]
    served = get_account_score(engine, top.account_id)
    assert served is not None and served.run_id == previous.run_id

    # the next run of the same snapshot clears the leftovers and publishes
    rerun = run_scoring(
        snapshot_dir=trained_world.snapshot_dir,
        as_of=None,
        model_ref=trained_world.model_ref,
        store_url=store_url,
        tracking_uri=trained_world.tracking_uri,
        out=out,
    )
    newest = latest_published_run(engine)
    assert newest is not None and newest.id == rerun.run_id
    assert rerun.run_id not in (previous.run_id, killed_id)
    assert _scores_written(engine, killed_id) == 0
    assert out.exists() and not list(tmp_path.glob(".scores.parquet.*"))

"""A scored world for API tests and the API benchmark: a trained world (``tests.trained_world``:
a simulated platform, a small real model registered @champion in a real MLflow store) and a
published scoring run in a store, in one RISK_HOME folder (``risk.db`` and ``mlflow.db``)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from tests.trained_world import TrainedWorld, copy_tracking


@dataclass(frozen=True)
class World:
    home: Path
    snapshot_dir: Path  # the trained world's (shared: never written)
    tracking_uri: str  # sqlite:///HOME/mlflow.db, a copy of the trained world's
    store_url: str  # sqlite:///HOME/risk.db
    run_id: str


def build_world(home: Path, trained: TrainedWorld) -> World:
    """Copy the trained world's MLflow store into ``home``, score its snapshot with its
    champion and publish the run in a store in ``home``. Nothing is simulated or trained."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from risk.scoring import run_scoring

    tracking_uri = copy_tracking(trained.tracking_uri, home)
    store_url = f"sqlite:///{home / 'risk.db'}"
    summary = run_scoring(
        snapshot_dir=trained.snapshot_dir,
        as_of=None,
        model_ref=trained.model_ref,
        store_url=store_url,
        tracking_uri=tracking_uri,
    )
    return World(home, trained.snapshot_dir, tracking_uri, store_url, summary.run_id)


def copy_world(world: World, home: Path) -> World:
    """A private copy of ``world``'s store and MLflow store in ``home``, for a test that writes
    to them: seconds cheaper than ``build_world`` (no scoring). The published run's values file
    stays where it is (the store names it by its path): read it, never prune it."""
    home.mkdir(parents=True, exist_ok=True)
    tracking_uri = copy_tracking(world.tracking_uri, home)
    store = home / "risk.db"
    source = world.store_url.removeprefix("sqlite:///")
    # SQLite's backup, not a file copy: the store runs in WAL mode
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(store)) as copy:
        original.backup(copy)
    return World(home, world.snapshot_dir, tracking_uri, f"sqlite:///{store}", world.run_id)

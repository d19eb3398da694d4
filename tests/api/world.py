"""A scored world for API tests and the API benchmark: a trained world (``tests.trained_world``:
a simulated platform, a small real model registered @champion in a real MLflow store) and a
published scoring run in a store, in one RISK_HOME folder (``risk.db`` and ``mlflow.db``)."""

from __future__ import annotations

import os
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

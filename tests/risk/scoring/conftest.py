"""A small simulated platform with a model trained on it and registered @champion (per session)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.models.mlflow_template import make_template

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

MODEL_NAME = "mlm-risk"


@dataclass(frozen=True)
class ScoringWorld:
    snapshot_dir: Path
    tracking_uri: str
    model_ref: str


def write_simulated_snapshot(directory: Path, *, accounts: int, seed: int) -> Path:
    """Simulate a platform and write it in the data contract (Parquet)."""
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    snapshot = simulate_platform(SimulationConfig(accounts=accounts, seed=seed))
    write_snapshot(snapshot, directory, "parquet")
    return directory


def train_and_register(snapshot_dir: Path, tracking_uri: str) -> None:
    """Train a small model with the training pipeline and promote it to @champion."""
    from features.validation import read_valid_snapshot
    from training.config import TrainingConfig
    from training.pipeline import train_and_register as train

    config = TrainingConfig(
        model_name=MODEL_NAME,
        classifier={"n_estimators": 60, "early_stopping_rounds": 10},
        out_of_time=False,
        force_promote=True,
        shap_rows=200,
    )
    train(read_valid_snapshot(snapshot_dir), None, config, tracking_uri)


@pytest.fixture(scope="session")
def scoring_world(tmp_path_factory: pytest.TempPathFactory) -> ScoringWorld:
    root = tmp_path_factory.mktemp("scoring-world")
    template = make_template(root)
    tracking_uri = f"sqlite:///{template}"
    snapshot_dir = write_simulated_snapshot(root / "snapshot", accounts=3000, seed=11)
    train_and_register(snapshot_dir, tracking_uri)
    return ScoringWorld(snapshot_dir, tracking_uri, f"{MODEL_NAME}@champion")


def copy_snapshot(source: Path, target: Path) -> Path:
    """A writable copy of a snapshot directory (tests break it on purpose)."""
    target.mkdir(parents=True)
    for file in source.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    return target


def add_sponsor_cycle(snapshot_dir: Path) -> None:
    """Make two accounts each other's sponsor (a data-contract error)."""
    path = snapshot_dir / "accounts.parquet"
    accounts = pd.read_parquet(path)
    child = accounts[accounts["sponsor_id"].notna()].iloc[0]
    parent_row = accounts.index[accounts["account_id"] == child["sponsor_id"]][0]
    accounts.loc[parent_row, "sponsor_id"] = child["account_id"]
    accounts.to_parquet(path, index=False)

from __future__ import annotations

import os
from pathlib import Path

import pytest

from features.snapshot import Snapshot
from tests.models.mlflow_template import copy_template, make_template
from training.simulator import SimulationConfig, simulate_platform

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.getbasetemp() / "mlflow-template")


@pytest.fixture
def tracking_uri(mlflow_template: Path, tmp_path: Path) -> str:
    return copy_template(mlflow_template, tmp_path / "tracking")


@pytest.fixture(scope="session")
def small_platform() -> Snapshot:
    """A small simulated platform (labels with role and family), built once per session."""
    return simulate_platform(SimulationConfig(accounts=3000, seed=3))

"""Fixtures shared across test packages: one migrated MLflow tracking database and one trained
world (simulated platform + model registered @champion) per test run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.models.mlflow_template import copy_template, make_template
from tests.trained_world import TrainedWorld, build_trained_world

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
# `risk train` and `risk demo` add generated worlds by default (training/worlds.py): tens of
# thousands of accounts each. Tests train on their own small snapshots; the worlds path has its
# own tests (tests/training/test_worlds.py, test_pipeline_cli.py) with small worlds.
os.environ.setdefault("RISK_TRAINING_WORLDS", "0")
# One audit chain key for the test run (never a key file under the working directory's home).
os.environ.setdefault("RISK_AUDIT_KEY", "test-audit-chain-key-0123456789abcdef0123456789")
# A PostgreSQL store keeps its runs' values files under RISK_HOME: never the checkout's ./.risk.
os.environ.setdefault("RISK_HOME", tempfile.mkdtemp(prefix="risk-home-tests-"))


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated MLflow tracking database (migrations take ~1 s: done once)."""
    return make_template(tmp_path_factory.getbasetemp() / "mlflow-template")


@pytest.fixture
def tracking_uri(mlflow_template: Path, tmp_path: Path) -> str:
    """A private copy of the template for one test."""
    return copy_template(mlflow_template, tmp_path / "tracking")


@pytest.fixture(scope="session")
def trained_world(
    tmp_path_factory: pytest.TempPathFactory, mlflow_template: Path
) -> Iterator[TrainedWorld]:
    """The run's one simulated platform (3,000 accounts, seed 11) with a model trained on it by
    the training pipeline and registered @champion. Shared read-only: tests that write to
    MLflow use ``copy_tracking``; tests that break the snapshot copy it first."""
    world = build_trained_world(
        tmp_path_factory.mktemp("trained-world"), mlflow_template=mlflow_template
    )
    built = world.fingerprint()
    yield world
    assert world.fingerprint() == built, (
        f"a test changed the shared trained world under {world.root}: work on a copy"
    )

"""Fixtures shared across test packages: one migrated MLflow tracking database per test run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.models.mlflow_template import copy_template, make_template

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated MLflow tracking database (migrations take ~1 s: done once)."""
    return make_template(tmp_path_factory.getbasetemp() / "mlflow-template")


@pytest.fixture
def tracking_uri(mlflow_template: Path, tmp_path: Path) -> str:
    """A private copy of the template for one test."""
    return copy_template(mlflow_template, tmp_path / "tracking")

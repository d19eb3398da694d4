"""`risk serve`'s champion resolver: one process asks MLflow, the workers load its files
without importing MLflow, and a missing model or a dead resolver becomes a reason, not a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from risk.service.champion import load_resolved_champion
from risk.service.champion_resolver import (
    CHAMPION_DIR_VARIABLE,
    RESOLVED,
    Resolver,
    ResolveTimeoutError,
    wait_for_resolved,
)
from risk.service.errors import ModelUnavailableError
from risk.service.explanations import load_champion
from risk.settings import Settings
from tests.trained_world import TrainedWorld

ROOT = Path(__file__).resolve().parents[3]


def _settings(tracking_uri: str, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", mlflow_tracking_uri=tracking_uri)


def _resolve(directory: Path, tracking_uri: str, home: Path) -> int:
    """The resolver process, as `risk serve` starts it, for the given registry."""
    env = {**os.environ, "RISK_HOME": str(home), "MLFLOW_TRACKING_URI": tracking_uri}
    command = [sys.executable, "-m", "risk.service.champion_resolver", str(directory)]
    return subprocess.run(command, env=env, cwd=ROOT, timeout=300).returncode


def test_workers_load_the_resolved_champion_without_mlflow_or_shap(
    trained_world: TrainedWorld, tmp_path: Path
) -> None:
    directory = tmp_path / "champion"
    directory.mkdir()
    assert _resolve(directory, trained_world.tracking_uri, tmp_path / "home") == 0
    # a worker: the same model as the registry gives; neither MLflow nor SHAP imported
    probe = (
        "import sys; from pathlib import Path\n"
        "from risk.service.champion import load_resolved_champion\n"
        f"champion = load_resolved_champion(Path({str(directory)!r}), timeout_s=5)\n"
        "print(champion.scorer.label, 'mlflow' in sys.modules, 'shap' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != CHAMPION_DIR_VARIABLE}
    shown = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    direct = load_champion(settings=_settings(trained_world.tracking_uri, tmp_path))
    assert shown.stdout.split() == [str(direct.scorer.label), "False", "False"]
    resolved = load_resolved_champion(directory, timeout_s=5)
    assert resolved.scorer.thresholds == direct.scorer.thresholds


def test_no_registered_model_is_a_reason_for_the_workers(tmp_path: Path) -> None:
    directory = tmp_path / "champion"
    directory.mkdir()
    empty = f"sqlite:///{tmp_path / 'empty-mlflow.db'}"
    assert _resolve(directory, empty, tmp_path / "home") == 0
    with pytest.raises(ModelUnavailableError, match="no model registered"):
        load_resolved_champion(directory, timeout_s=5)


def test_a_resolver_that_dies_is_answered_for(tmp_path: Path) -> None:
    directory = tmp_path / "champion"
    directory.mkdir()
    killed = [sys.executable, "-c", "raise SystemExit(9)"]  # as if killed before answering
    Resolver(directory, command=killed).join(timeout_s=60)
    answer = json.loads((directory / RESOLVED).read_text(encoding="utf-8"))
    assert answer == {"error": "the champion resolver exited with 9"}
    with pytest.raises(ModelUnavailableError, match="exited with 9"):
        load_resolved_champion(directory, timeout_s=5)


def test_waiting_is_bounded(tmp_path: Path) -> None:
    with pytest.raises(ResolveTimeoutError):
        wait_for_resolved(tmp_path, timeout_s=0.2)

"""`risk serve`'s champion resolver: one process asks MLflow, the workers load its files
without importing MLflow, and a missing model or a dead resolver becomes a reason, not a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.registry_files import download_model_files, local_model_files
from risk.service.champion import load_resolved_champion
from risk.service.champion_resolver import (
    CHAMPION_DIR_VARIABLE,
    RESOLVED,
    Resolver,
    ResolveTimeoutError,
    start_resolver,
    wait_for_resolved,
    workers_environment,
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


def test_a_local_registry_is_read_without_mlflow_and_answers_as_mlflow_does(
    trained_world: TrainedWorld, tmp_path: Path
) -> None:
    """`risk serve` reads a SQLite registry with local artifacts itself: the same version and
    files MLflow gives, no resolver process, MLflow never imported (a fresh interpreter)."""
    uri = trained_world.tracking_uri
    probe = (
        "import json, sys\n"
        "from models.registry_files import local_model_files\n"
        f"found = local_model_files({trained_world.model_ref!r}, {uri!r})\n"
        "print(json.dumps([found[0].__dict__, found[1], 'mlflow' in sys.modules]))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    registered, files, mlflow_imported = json.loads(shown.stdout)
    expected, expected_files = download_model_files(trained_world.model_ref, uri)
    assert registered == expected.__dict__
    assert files == expected_files
    assert not mlflow_imported
    version = f"{expected.name}/{expected.version}"
    assert local_model_files(version, uri) == (expected, expected_files)


@pytest.mark.parametrize(
    "reference", ["mlm-risk@nope", "no-such-model@champion", "mlm-risk/99", "not a reference"]
)
def test_what_the_local_registry_does_not_hold_is_left_to_mlflow(
    trained_world: TrainedWorld, reference: str
) -> None:
    # None: MLflow's resolver then answers with its own message (the aliases that exist, ...)
    assert local_model_files(reference, trained_world.tracking_uri) is None


def test_other_registries_are_left_to_mlflow(tmp_path: Path) -> None:
    for uri in ("http://127.0.0.1:5000", "postgresql://localhost/mlflow", "databricks"):
        assert local_model_files("mlm-risk@champion", uri) is None
    missing = f"sqlite:///{tmp_path / 'absent.db'}"
    assert local_model_files("mlm-risk@champion", missing) is None
    not_mlflow = tmp_path / "other.db"
    not_mlflow.write_bytes(b"")  # an empty SQLite file: no registry tables
    assert local_model_files("mlm-risk@champion", f"sqlite:///{not_mlflow}") is None


def test_serve_resolves_a_local_champion_in_process_and_starts_no_resolver(
    trained_world: TrainedWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CHAMPION_DIR_VARIABLE, raising=False)
    directory = tmp_path / "champion"
    directory.mkdir()
    settings = _settings(trained_world.tracking_uri, tmp_path)
    assert start_resolver(directory, settings=settings) is None  # no process started
    # the caller's environment is left alone (a server later in this process would otherwise
    # load this directory); `risk serve` hands it to its workers itself
    assert CHAMPION_DIR_VARIABLE not in os.environ
    assert workers_environment(directory) == {CHAMPION_DIR_VARIABLE: str(directory)}
    direct = load_champion(settings=settings)
    resolved = load_resolved_champion(directory, timeout_s=5)
    assert str(resolved.scorer.label) == str(direct.scorer.label)
    assert resolved.scorer.thresholds == direct.scorer.thresholds


def test_a_remote_registry_gets_a_resolver_process_that_ends_once_it_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not local (here: a registry with no such model, reached as MLflow would): the resolver
    process answers and exits at once instead of lingering in MLflow's exit handlers."""
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    directory = tmp_path / "champion"
    directory.mkdir()
    settings = _settings(f"sqlite:///{tmp_path / 'empty-mlflow.db'}", tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", settings.tracking_uri)
    resolver = start_resolver(directory, settings=settings)
    assert resolver is not None
    resolver.join(timeout_s=300)
    assert resolver.process.returncode == 0
    with pytest.raises(ModelUnavailableError, match="no model registered"):
        load_resolved_champion(directory, timeout_s=5)

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from features.snapshot import Snapshot
from risk.cli import app
from risk.settings import get_settings
from training.simulator import write_snapshot

pytestmark = pytest.mark.slow


@pytest.fixture
def risk_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mlflow_template: Path
) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(mlflow_template, home / "mlflow.db")
    monkeypatch.setenv("RISK_HOME", str(home))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def test_risk_train_prints_the_summary(
    small_platform: Snapshot, risk_home: Path, tmp_path: Path
) -> None:
    snapshot_dir = tmp_path / "platform"
    write_snapshot(small_platform, snapshot_dir, "csv")
    result = CliRunner().invoke(
        app, ["train", str(snapshot_dir), "--no-out-of-time", "--name", "cli-risk"]
    )
    assert result.exit_code == 0, result.output
    for expected in ("networks", "logistic", "rules", "weakest family", "cli-risk", "P@100"):
        assert expected in result.output
    assert "alias champion" in result.output
    assert (risk_home / "mlartifacts" / "cli-risk").is_dir()  # artifacts under RISK_HOME


def test_risk_train_learns_from_generated_worlds_too(
    small_platform: Snapshot, risk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow

    monkeypatch.setenv("RISK_TRAINING_WORLD_ACCOUNTS", "800")
    monkeypatch.setenv("RISK_TRAINING_MEMBERS", "2")  # one world each
    get_settings.cache_clear()
    snapshot_dir = tmp_path / "platform"
    write_snapshot(small_platform, snapshot_dir, "parquet")
    result = CliRunner().invoke(
        app, ["train", str(snapshot_dir), "--no-out-of-time", "--name", "w-risk", "--worlds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "2 generated worlds" in result.output
    assert "averages 2 boosters" in result.output
    client = mlflow.MlflowClient(f"sqlite:///{risk_home / 'mlflow.db'}")
    run = client.search_runs([client.get_experiment_by_name("w-risk").experiment_id])[0]
    card = Path(client.download_artifacts(run.info.run_id, "report/model_card.md", str(tmp_path)))
    text = card.read_text(encoding="utf-8")
    assert "Trained with 2 generated worlds" in text
    assert "altsim-7000" in text and "project-7001" in text
    assert "average of 2 boosters" in text
    data = Path(client.download_artifacts(run.info.run_id, "report/data.json", str(tmp_path)))
    assert '"world_accounts"' in data.read_text(encoding="utf-8")
    assert json.loads(data.read_text(encoding="utf-8"))["members"] == 2


def test_labels_naming_unknown_accounts_are_refused(
    small_platform: Snapshot, risk_home: Path, tmp_path: Path
) -> None:
    snapshot_dir = tmp_path / "platform"
    write_snapshot(small_platform, snapshot_dir, "csv")
    bad = tmp_path / "labels.csv"
    bad.write_text("account_id,label\nNOPE,1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", str(snapshot_dir), "--labels", str(bad)])
    assert result.exit_code != 0
    assert "NOPE" in str(result.exception) or "NOPE" in result.output

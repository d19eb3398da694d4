"""``risk score`` exit codes and output modes, in-process through the Typer app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from risk.cli import app
from risk.settings import get_settings
from tests.risk.scoring.conftest import add_sponsor_cycle, copy_snapshot
from tests.trained_world import TrainedWorld


@pytest.fixture
def risk_env(
    trained_world: TrainedWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """RISK_* pointing at a fresh store and the session's MLflow store; yields the store URL."""
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_world.tracking_uri)
    get_settings.cache_clear()
    yield get_settings().store_url
    get_settings.cache_clear()


def _runs(store_url: str) -> list[object]:
    from risk.store.db import open_store
    from risk.store.runs import list_runs

    return list(list_runs(open_store(store_url)))


@pytest.mark.slow
def test_json_mode_prints_one_summary_object(trained_world: TrainedWorld, risk_env: str) -> None:
    result = CliRunner().invoke(app, ["score", str(trained_world.snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "published" and summary["accounts_scored"] > 0
    assert set(summary["counts"]["bands"]) == {"low", "medium", "high", "critical"}
    # After publishing, the flagged networks' cases are opened (issue 17), once.
    assert len(summary["cases"]["opened"]) == summary["counts"]["networks_flagged"] > 0
    again = CliRunner().invoke(app, ["score", str(trained_world.snapshot_dir), "--quiet"])
    assert again.exit_code == 0 and again.stdout == ""
    human = CliRunner().invoke(app, ["score", str(trained_world.snapshot_dir)])
    assert human.exit_code == 0 and "already published" in human.stdout
    assert "cases: 0 opened, 0 updated" in human.stdout
    assert len(_runs(risk_env)) == 1


@pytest.mark.slow
def test_bad_snapshot_exits_1_and_writes_nothing(
    trained_world: TrainedWorld, risk_env: str, tmp_path: Path
) -> None:
    broken = copy_snapshot(trained_world.snapshot_dir, tmp_path / "broken")
    add_sponsor_cycle(broken)
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(app, ["score", str(broken), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "cycle" in result.stderr.lower()
    assert not out.exists()
    assert _runs(risk_env) == []


@pytest.mark.slow
def test_unknown_model_exits_3(trained_world: TrainedWorld, risk_env: str) -> None:
    args = ["score", str(trained_world.snapshot_dir), "--model", "no-such-model@champion"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 3
    assert json.loads(result.stdout) == {
        "status": "error",
        "exit_code": 3,
        "error": json.loads(result.stdout)["error"],
    }
    assert _runs(risk_env) == []


@pytest.mark.parametrize(
    "args",
    [["--out", "scores.txt"], ["--as-of", "not a time"], ["--model", "just-a-name"], []],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    target = [str(tmp_path)] if args else []
    result = CliRunner().invoke(app, ["score", *target, *args])
    assert result.exit_code == 2


def test_help_documents_the_exit_codes() -> None:
    result = CliRunner().invoke(app, ["score", "--help"])
    assert result.exit_code == 0
    for code in ("0 published", "1 bad input", "3 model not found", "4 store error", "5 drift"):
        assert code in " ".join(result.output.split())


@pytest.mark.slow
def test_unreachable_store_exits_4(
    trained_world: TrainedWorld, risk_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISK_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["score", str(trained_world.snapshot_dir), "--quiet"])
    assert result.exit_code == 4, result.output


@pytest.mark.slow
def test_fail_on_drift_exits_5_but_publishes(trained_world: TrainedWorld, risk_env: str) -> None:
    # three months in, the platform looks nothing like the year the model was trained on
    args = ["score", str(trained_world.snapshot_dir), "--as-of", "2025-03-15", "--fail-on-drift"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 5, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "published" and summary["drift"]["warnings"]
    assert max(summary["drift"]["feature_psi"].values()) > 0.25
    human = CliRunner().invoke(app, args)
    assert human.exit_code == 5 and "drift warning" in human.stdout

"""One exit-code table for every command, read from the error classes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from features.errors import DataContractError, EnvironmentMissingError, ExitCode, ServiceError
from models.errors import ModelNotFoundError
from risk.cli import app
from risk.errors import StoreConflictError, StoreError, StoreInputError, StoreNotFoundError
from risk.report.errors import ReportInputError, ReportRunNotFoundError
from risk.settings import get_settings
from tests.trained_world import TrainedWorld
from training.simulator.errors import SimulationConfigError


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (DataContractError, 1),
        (ReportInputError, 1),
        (ReportRunNotFoundError, 1),
        (SimulationConfigError, 1),
        (StoreNotFoundError, 1),
        (StoreInputError, 1),
        (StoreConflictError, 1),
        (ModelNotFoundError, 3),
        (StoreError, 4),
        (EnvironmentMissingError, 6),
    ],
)
def test_each_error_class_names_its_code(error: type[ServiceError], code: int) -> None:
    assert error.exit_code == code and ExitCode(code)


def test_the_table_is_the_documented_one() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {int(code)} |" in readme, f"README's exit-code table lacks {code.name}"


def _risk(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RISK_HOME": str(home), "MLFLOW_TRACKING_URI": f"sqlite:///{home}/m.db"}
    env.pop("RISK_DATABASE_URL", None)
    command = [sys.executable, "-c", "from api.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_report_of_an_unknown_run_is_bad_input_without_a_traceback(tmp_path: Path) -> None:
    done = _risk(["report", "--run", "no-such-run", "--out", str(tmp_path / "out")], tmp_path)
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert "no-such-run" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.spark
def test_spark_without_java_exits_6_naming_what_to_install(
    trained_world: TrainedWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyspark")
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_world.tracking_uri)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-java"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["score", str(trained_world.snapshot_dir), "--engine", "spark", "--quiet"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    assert "Java" in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)

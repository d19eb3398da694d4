from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from risk.cli import app
from risk.settings import Settings


def test_help_lists_the_service_purpose() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "pyramid" in result.output


def test_settings_default_home_is_dot_risk_in_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RISK_HOME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    settings = Settings()
    assert settings.home == tmp_path / ".risk"
    assert settings.store_url == f"sqlite:///{tmp_path / '.risk' / 'risk.db'}"
    assert settings.tracking_uri.endswith("mlflow.db")


def test_settings_read_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///x.db")
    monkeypatch.setenv("RISK_REVIEW_CAPACITY", "250")
    settings = Settings()
    assert settings.home == tmp_path / "h"
    assert settings.tracking_uri == "sqlite:///x.db"
    assert settings.review_capacity == 250

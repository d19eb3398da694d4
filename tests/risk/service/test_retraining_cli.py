"""`risk train --labels-from-decisions` with a champion: stacks a platform model by default and
says what it learnt (the weights, the out-of-fold evidence), or why the champion was kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from models.mlflow_io import load_scorer
from tests.api.world import World


def test_cli_stacks_a_platform_model_on_the_champion(
    decided: tuple[World, Engine], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from risk.cli import app
    from risk.settings import get_settings

    world, _ = decided
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RISK_DATABASE_URL", world.store_url)
    monkeypatch.setenv("RISK_MLFLOW_TRACKING_URI", world.tracking_uri)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["train", str(world.snapshot_dir), "--labels-from-decisions"]
        )
    finally:
        get_settings.cache_clear()
    if result.exit_code == 0:
        challenger = load_scorer("mlm-risk@challenger", world.tracking_uri)
        assert challenger.stack is not None
        assert "a platform model stacked on" in result.output
        assert f"{challenger.stack.platform_weight:.2f} x platform" in result.output
        assert "alias @challenger" in result.output
    else:  # the guard: the stack ranked the decided accounts worse out of fold
        assert result.exit_code == 1, f"{result.output}\n{result.exception!r}"
        assert "champion kept, nothing registered" in result.output + str(result.exception)

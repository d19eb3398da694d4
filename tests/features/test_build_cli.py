"""``risk features``: through the validator, to CSV or Parquet, nothing written on bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from features.build import build_features
from features.validation import read_valid_snapshot
from risk.cli import app
from training.simulator import SimulationConfig, simulate_platform
from training.simulator.writer import write_snapshot


def _snapshot_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "snap"
    write_snapshot(simulate_platform(SimulationConfig(accounts=300, seed=3)), directory, "csv")
    return directory


def test_features_command_writes_the_table(tmp_path: Path) -> None:
    directory = _snapshot_dir(tmp_path)
    out = tmp_path / "features.parquet"
    result = CliRunner().invoke(
        app, ["features", str(directory), "--as-of", "2025-06-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(out)
    expected = build_features(read_valid_snapshot(directory), pd.Timestamp("2025-06-30"))
    pd.testing.assert_frame_equal(written, expected)


def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    directory = _snapshot_dir(tmp_path)
    (directory / "accounts.csv").write_text("account_id,joined_at\nx,not-a-time\n")
    out = tmp_path / "features.csv"
    result = CliRunner().invoke(app, ["features", str(directory), "--out", str(out)])
    assert result.exit_code != 0
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
    bad_suffix = CliRunner().invoke(app, ["features", str(directory), "--out", "x.xlsx"])
    assert bad_suffix.exit_code != 0

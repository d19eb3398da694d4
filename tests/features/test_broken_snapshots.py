"""The corpus of broken snapshots (``broken_snapshots.py``): every case, as CSV and as Parquet,
is refused by ``risk validate`` and ``risk score`` with the expected exit code and a message
naming its file, column and row; a refused ``risk score`` writes nothing to the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from risk.cli import app
from risk.settings import get_settings
from tests.features.broken_snapshots import (
    CASES,
    EXIT_BAD_INPUT,
    Case,
    valid_tables,
    write_case,
    write_tables,
)


def test_the_corpus_is_large_and_its_base_is_valid(tmp_path: Path) -> None:
    assert len(CASES) >= 80
    assert len({case.name for case, _ in CASES}) == len({case.name for case, _ in CASES})
    for file_format in ("csv", "parquet"):
        base = write_tables(valid_tables(), tmp_path / file_format, file_format)
        result = CliRunner().invoke(app, ["validate", str(base), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["errors"] == []


@pytest.mark.parametrize(
    ("case", "file_format"), CASES, ids=[f"{case.name}-{fmt}" for case, fmt in CASES]
)
def test_each_broken_snapshot_is_named_where_it_breaks(
    case: Case, file_format: str, tmp_path: Path
) -> None:
    snapshot = write_case(case, file_format, tmp_path / "snap")
    result = CliRunner().invoke(app, ["validate", str(snapshot), "--json"])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    errors = json.loads(result.output)["errors"]
    found = [e for e in errors if e["kind"] == case.kind]
    assert found, f"expected {case.kind}, got {[e['kind'] for e in errors]}"
    problem = found[0]
    assert problem["file"] == case.file(file_format)
    assert problem["column"] == case.column
    row = case.shown_row(file_format)
    assert (row is None and problem["rows"] == []) or row in problem["rows"]
    if case.kind != "sponsor_cycle":  # an empty or odd id is never read as a cycle
        assert all(e["kind"] != "sponsor_cycle" for e in errors)


@pytest.fixture
def risk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_risk_score_refuses_every_case_and_writes_nothing(risk_home: Path, tmp_path: Path) -> None:
    for index, (case, file_format) in enumerate(CASES):
        snapshot = write_case(case, file_format, tmp_path / f"snap-{index}")
        result = CliRunner().invoke(
            app, ["score", str(snapshot), "--model", "mlm-risk/1", "--json"]
        )
        assert result.exit_code == EXIT_BAD_INPUT, (case.name, file_format, result.output)
        assert case.file(file_format) in result.output, (case.name, result.output)
    store = risk_home / "risk.db"
    if store.exists():  # validation runs before the store is opened: it should not even exist
        with sqlite3.connect(store) as db:
            for table in ("scoring_runs", "scores", "audit_log", "decisions"):
                assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)

"""``risk runs prune`` on SQLite and PostgreSQL: dry run, prune, listing, audit, bad arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine
from typer.testing import CliRunner

from risk.cli import app
from risk.settings import get_settings
from risk.store.runs import list_runs
from risk.store.scores import scores_frame
from tests.risk.conftest import AS_OF, RunWriter, make_scores

ROOT = Path(__file__).parents[2]


@pytest.fixture
def risk_env(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """RISK_* pointing the CLI at the test's store (either backend)."""
    monkeypatch.setenv("RISK_HOME", str(tmp_path))
    monkeypatch.setenv("RISK_DATABASE_URL", store_url)
    monkeypatch.delenv("RISK_KEEP_RUNS", raising=False)
    get_settings.cache_clear()
    yield store_url
    get_settings.cache_clear()


def _three_nights(publish_scores: RunWriter) -> list[str]:
    return [
        publish_scores(make_scores(30, seed=n), as_of=AS_OF + timedelta(days=n)) for n in range(3)
    ]


def _invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_dry_run_then_prune_then_listed_and_audited(
    risk_env: str, store_engine: Engine, publish_scores: RunWriter
) -> None:
    oldest, middle, latest = _three_nights(publish_scores)
    low = int((scores_frame(store_engine, oldest)["band"] == "low").sum())

    dry = json.loads(_invoke("runs", "prune", "--keep-last", "2", "--dry-run", "--json").stdout)
    assert dry["dry_run"] and dry["rows_dropped"] == low
    assert [(r["run_id"], r["action"], r["rows_kept"]) for r in dry["runs"]] == [
        (oldest, "prune", 30 - low)
    ]
    listed = json.loads(_invoke("runs", "--json").stdout)
    assert all(run["pruned_at"] is None for run in listed)

    done = json.loads(_invoke("runs", "prune", "--keep-last", "2", "--json").stdout)
    assert not done["dry_run"] and done["rows_dropped"] == low and done["vacuum"] is None
    listed = {run["id"]: run for run in json.loads(_invoke("runs", "--json").stdout)}
    assert listed[oldest]["pruned_at"] and listed[oldest]["pruned_rows"] == low
    assert listed[oldest]["model_version"] == "1" and listed[oldest]["accounts_scored"] == 30
    assert listed[middle]["pruned_at"] is None and listed[latest]["pruned_at"] is None
    assert f"pruned={listed[oldest]['pruned_at'][:10]}" in _invoke("runs").stdout

    audit = json.loads(_invoke("audit", "list", "--target", oldest, "--json").stdout)
    assert [(e["action"], e["actor"], e["details"].get("rows_dropped")) for e in audit] == [
        ("run.prune", "cli", low),
        ("run.publish", "scoring", None),
    ]
    assert "audit log intact" in _invoke("audit", "verify").stdout
    again = _invoke("runs", "prune", "--keep-last", "2").stdout
    assert "nothing to prune" in again


def test_keep_last_defaults_to_risk_keep_runs(
    risk_env: str, publish_scores: RunWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    oldest, _, _ = _three_nights(publish_scores)
    monkeypatch.setenv("RISK_KEEP_RUNS", "2")
    get_settings.cache_clear()
    out = _invoke("runs", "prune").stdout
    assert f"prune      {oldest[:12]}" in out and "of 1 run(s)" in out


def test_vacuum_reports_the_sizes(risk_env: str, publish_scores: RunWriter) -> None:
    _three_nights(publish_scores)
    payload = json.loads(_invoke("runs", "prune", "--keep-last", "1", "--vacuum", "--json").stdout)
    vacuum = payload["vacuum"]
    assert vacuum["bytes_before"] > 0 and vacuum["bytes_after"] > 0
    assert vacuum["backend"] in {"sqlite", "postgresql"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--keep-last", "0"], "--keep-last"),
        (["--keep-last", "many"], "--keep-last"),
        (["--older-than", "-1"], "--older-than"),
        (["--stale-after", "0.5"], "--stale-after"),
        (["--dry-run", "--vacuum"], "cannot go with --dry-run"),
    ],
)
def test_bad_arguments_exit_2_and_change_nothing(
    risk_env: str, store_engine: Engine, publish_scores: RunWriter, args: list[str], message: str
) -> None:
    runs = _three_nights(publish_scores)
    result = CliRunner().invoke(app, ["runs", "prune", *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not any(run.pruned for run in list_runs(store_engine))
    assert len(scores_frame(store_engine, runs[0])) == 30


def test_unreachable_store_exits_4_with_a_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from risk.cli import main; main()", "runs", "prune"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "RISK_HOME": str(tmp_path),
            "RISK_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        },
        timeout=120,
    )
    assert done.returncode == 4, done.stdout + done.stderr  # a store error: retry later
    assert "error:" in done.stderr and "cannot migrate the store" in done.stderr

"""``risk runs``, ``risk keys`` and ``risk audit`` against a real store under RISK_HOME."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from risk.cli import app
from risk.settings import get_settings
from risk.store.db import open_store
from risk.store.runs import begin_run, publish_run, write_scores
from tests.risk.conftest import AS_OF, make_scores


@pytest.fixture
def risk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh RISK_HOME whose store the CLI opens (settings re-read for this test)."""
    monkeypatch.setenv("RISK_HOME", str(tmp_path))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_runs_lists_published_runs_as_json(risk_home: Path) -> None:
    result = CliRunner().invoke(app, ["runs"])
    assert result.exit_code == 0 and "no scoring runs" in result.output
    engine = open_store(get_settings().store_url)
    run_id = begin_run(
        engine,
        as_of=AS_OF,
        model_name="mlm-risk",
        model_version="4",
        model_run_id="abc",
        data_fingerprint="fp-cli",
        snapshot_path="/s",
    )
    write_scores(engine, run_id, make_scores(6))
    publish_run(
        engine,
        run_id,
        accounts_scored=6,
        counts={"bands": {"critical": 1}},
        timings={"write": 0.5},
        drift=None,
    )
    engine.dispose()
    result = CliRunner().invoke(app, ["runs", "--json"])
    assert result.exit_code == 0, result.output
    [run] = json.loads(result.output)
    assert run["id"] == run_id and run["status"] == "published"
    assert run["model_version"] == "4" and run["data_fingerprint"] == "fp-cli"
    assert run["accounts_scored"] == 6 and run["counts"] == {"bands": {"critical": 1}}
    assert run["as_of"] == AS_OF.isoformat() and run["seconds"] >= 0
    text = CliRunner().invoke(app, ["runs"]).output
    assert run_id[:12] in text and "critical=1" in text and "mlm-risk/4" in text


def test_keys_create_list_revoke(risk_home: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "moderator", "--name", "li.wei"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("mlr_")
    listed = json.loads(runner.invoke(app, ["keys", "list", "--json"]).output)
    assert [(k["name"], k["role"], k["active"]) for k in listed] == [("li.wei", "moderator", True)]
    assert key not in runner.invoke(app, ["keys", "list"]).output
    assert runner.invoke(app, ["keys", "revoke", "li.wei"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["keys", "list", "--json"]).output)[0]["active"] is False
    bad = runner.invoke(app, ["keys", "create", "--role", "god", "--name", "x"])
    assert bad.exit_code != 0


def test_audit_verify_and_list(risk_home: Path) -> None:
    runner = CliRunner()
    for name in ("a", "b", "c"):
        runner.invoke(app, ["keys", "create", "--role", "admin", "--name", name])
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "3 entries" in ok.output
    listed = json.loads(runner.invoke(app, ["audit", "list", "--json"]).output)
    assert [entry["target"] for entry in listed] == ["c", "b", "a"]
    database = sqlite3.connect(risk_home / "risk.db")
    database.execute("DROP TRIGGER audit_log_no_update")
    database.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    database.commit()
    database.close()
    broken = runner.invoke(app, ["audit", "verify", "--json"])
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["first_bad_seq"] == 2
    assert "seq 2" in runner.invoke(app, ["audit", "verify"]).output


def test_config_never_prints_the_store_password(
    risk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISK_DATABASE_URL", "postgresql+psycopg://risk:s3cret-pw@db.internal/risk")
    get_settings.cache_clear()
    for args in (["config"], ["config", "--json"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "s3cret-pw" not in result.output
        assert "postgresql+psycopg://risk:***@db.internal/risk" in result.output
    shown = json.loads(CliRunner().invoke(app, ["config", "--json"]).output)
    assert shown["keep_runs"] == get_settings().keep_runs

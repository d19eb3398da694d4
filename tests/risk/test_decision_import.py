"""``risk decisions import``: validated like a snapshot, all or nothing, tied to the run that
scored the account as of the decision, audited, and labels where the newest decision wins."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from features.errors import DataContractError
from risk.cli import app
from risk.service.decision_import import import_decisions_file
from risk.service.decisions import labels_from_decisions
from risk.settings import get_settings
from risk.store.audit import list_audit, verify_audit_chain
from risk.store.db import open_store
from risk.store.decisions import list_decisions
from risk.store.schema import imports_table
from tests.risk.conftest import AS_OF, RunWriter, make_scores

LATER = AS_OF + timedelta(days=1)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def _two_runs(publish_scores: RunWriter) -> tuple[str, str]:
    """Day 1 and day 2 runs; day 2 scores acct-00000 differently (another seed)."""
    first = publish_scores(make_scores(10, seed=1))
    second = publish_scores(make_scores(10, seed=2), as_of=LATER)
    return first, second


def _decisions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["acct-00000", "acct-00000", "acct-00001", "acct-00002"],
            "decision": ["confirm", "dismiss", "escalate", "confirm"],
            "reviewer": ["li.wei", "zhang.min", "li.wei", "ann"],
            "note": ["拉人头 recruiting fees", "", "", "stock pushed down"],
            "decided_at": [
                "2026-07-01T09:00:00Z",  # on day 1's run
                "2026-07-02T10:00:00+08:00",  # 02:00 UTC on day 2: day 2's run, and newer
                "2026-07-01T12:00:00",  # no zone: UTC
                "2026-07-03T08:00:00Z",
            ],
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_import_ties_each_decision_to_its_run_and_audits_it(
    store_engine: Engine, publish_scores: RunWriter, tmp_path: Path, suffix: str
) -> None:
    first, second = _two_runs(publish_scores)
    path = _write(_decisions(), tmp_path / f"past{suffix}")
    result = import_decisions_file(engine=store_engine, path=path, imported_by="ops.chen")
    assert (result.rows, result.added, result.skipped, result.runs) == (4, 4, 0, 2)
    assert result.by_decision == {"confirm": 2, "dismiss": 1, "escalate": 1}
    stored = list_decisions(store_engine)
    assert [d.run_id for d in stored] == [first, first, second, second]
    assert [d.created_at.isoformat() for d in stored] == [
        "2026-07-01T09:00:00+00:00",
        "2026-07-01T12:00:00+00:00",
        "2026-07-02T02:00:00+00:00",
        "2026-07-03T08:00:00+00:00",
    ]
    day2 = make_scores(10, seed=2).set_index("account_id")
    dismissed = stored[2]
    assert (dismissed.score, dismissed.band) == (
        pytest.approx(day2.loc["acct-00000", "score"]),
        day2.loc["acct-00000", "band"],
    )
    assert dismissed.note is None and {d.import_id for d in stored} == {result.import_id}
    # oldest first, after the published runs' own seals (run.publish)
    entries = [e for e in list_audit(store_engine)[::-1] if e.action != "run.publish"]
    assert [e.action for e in entries] == ["decision.import"] * 4 + ["decisions.import"]
    assert entries[0].actor == "li.wei" and entries[0].details["imported_by"] == "ops.chen"  # type: ignore[index]
    assert entries[-1].details["sha256"] == result.sha256  # type: ignore[index]
    assert verify_audit_chain(store_engine).ok
    # The newest decision per account is its label: the dismissal overrides the confirmation.
    labels = labels_from_decisions(engine=store_engine).set_index("account_id")["label"]
    assert labels.to_dict() == {"acct-00000": 0, "acct-00002": 1}


def test_reimport_adds_nothing_twice(
    store_engine: Engine, publish_scores: RunWriter, tmp_path: Path
) -> None:
    _two_runs(publish_scores)
    path = _write(_decisions(), tmp_path / "past.csv")
    import_decisions_file(engine=store_engine, path=path, imported_by="ops")
    grown = pd.concat([_decisions(), _decisions().iloc[[3]].assign(decision="dismiss")])
    again = import_decisions_file(
        engine=store_engine, path=_write(grown, tmp_path / "more.csv"), imported_by="ops"
    )
    assert (again.added, again.skipped) == (1, 4)
    assert len(list_decisions(store_engine)) == 5
    with store_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(imports_table)).scalar() == 2


def test_bad_rows_are_named_and_nothing_is_written(
    store_engine: Engine, publish_scores: RunWriter, tmp_path: Path
) -> None:
    _two_runs(publish_scores)
    bad = _decisions()
    bad.loc[1, "decision"] = "ban"
    bad.loc[2, "reviewer"] = ""
    bad.loc[3, "decided_at"] = "yesterday"
    path = _write(bad, tmp_path / "past.csv")
    with pytest.raises(DataContractError) as raised:
        import_decisions_file(engine=store_engine, path=path, imported_by="ops")
    message = raised.value.message
    assert "past.csv, column decision" in message and "line 3: 'ban'" in message
    assert "past.csv, column reviewer" in message and "line 4" in message
    assert "past.csv, column decided_at" in message and "line 5: 'yesterday'" in message
    written = [e for e in list_audit(store_engine) if e.action != "run.publish"]
    assert list_decisions(store_engine) == [] and written == []


def test_decisions_before_any_run_or_in_the_future_are_refused(
    store_engine: Engine, publish_scores: RunWriter, tmp_path: Path
) -> None:
    _two_runs(publish_scores)
    early = _decisions()
    early.loc[2, "decided_at"] = "2026-06-01T00:00:00Z"  # before day 1's run
    early.loc[3, "account_id"] = "ghost"
    with pytest.raises(DataContractError) as raised:
        import_decisions_file(
            engine=store_engine, path=_write(early, tmp_path / "e.parquet"), imported_by="ops"
        )
    message = raised.value.message
    assert "[not_scored] e.parquet, column account_id" in message
    assert "row 3: 'account_id=acct-00001" in message and "row 4: 'account_id=ghost" in message
    future = _decisions()
    future.loc[0, "decided_at"] = "2999-01-01T00:00:00Z"
    with pytest.raises(DataContractError, match=r"(?s)future_time.*line 2"):
        import_decisions_file(
            engine=store_engine, path=_write(future, tmp_path / "f.csv"), imported_by="ops"
        )
    assert list_decisions(store_engine) == []


@pytest.fixture
def risk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_cli_imports_and_refuses_with_exit_1(risk_home: Path, tmp_path: Path) -> None:
    from risk.store.runs import begin_run, publish_run, write_scores

    engine = open_store(get_settings().store_url)
    run_id = begin_run(
        engine,
        as_of=AS_OF,
        model_name="mlm-risk",
        model_version="1",
        model_run_id=None,
        data_fingerprint="fp",
        snapshot_path=None,
    )
    write_scores(engine, run_id, make_scores(10))
    publish_run(engine, run_id, accounts_scored=10, counts={}, timings={}, drift=None)
    path = _write(_decisions(), tmp_path / "past.csv")
    dry = CliRunner().invoke(app, ["decisions", "import", str(path), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["import_id"] is None and list_decisions(engine) == []
    done = CliRunner().invoke(app, ["decisions", "import", str(path), "--by", "ops.chen"])
    assert done.exit_code == 0, done.output
    assert "4 added, 0 already in the store" in done.stdout
    bad = _write(_decisions().drop(columns="reviewer"), tmp_path / "bad.csv")
    refused = subprocess.run(
        [
            sys.executable,
            "-c",
            "from risk.cli import main; main()",
            "decisions",
            "import",
            str(bad),
        ],
        capture_output=True,
        text=True,
        env={"RISK_HOME": str(risk_home), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert refused.returncode == 1, refused.stderr
    assert "bad.csv, column reviewer" in refused.stderr and "missing" in refused.stderr
    assert len(list_decisions(engine)) == 4
    engine.dispose()

"""Retention on SQLite and PostgreSQL: which runs and rows prune removes, what it keeps and
records, crashed runs, interrupted prunes, dry runs and VACUUM."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from risk.errors import StoreConflictError, StoreInputError
from risk.store.audit import list_audit, verify_audit_chain
from risk.store.decisions import list_decisions, record_decision
from risk.store.retention import (
    RetentionPolicy,
    RunAction,
    _remove_chunk,
    dropped_rows,
    plan_prune,
    prune_runs,
)
from risk.store.retention_tallies import DroppedRows
from risk.store.runs import begin_run, get_run, latest_published_run, list_runs, write_scores
from risk.store.schema import decisions_table, scores_table
from risk.store.scores import scores_frame
from risk.store.types import utcnow
from risk.store.vacuum import vacuum_store
from tests.risk.conftest import AS_OF, RunWriter, make_scores

ROWS = 40
DAY = timedelta(days=1)


def _publish_nightly(publish_scores: RunWriter, nights: int) -> list[str]:
    """One published run per night, oldest first (each as_of a day later)."""
    return [
        publish_scores(make_scores(ROWS, seed=night), as_of=AS_OF + night * DAY)
        for night in range(nights)
    ]


def _rows(engine: Engine, run_id: str) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(scores_table)
        return int(connection.execute(query.where(scores_table.c.run_id == run_id)).scalar_one())


def _expected_kept(frame: pd.DataFrame, decided: set[str]) -> set[str]:
    """The policy, restated: rows at band medium or above, or of a decided account."""
    return set(
        frame.loc[(frame["band"] != "low") | frame["account_id"].isin(decided), "account_id"]
    )


def _tallies_of(frame: pd.DataFrame, networks: set[str]) -> DroppedRows:
    rows = [row for row in frame.itertuples(index=False)]
    return DroppedRows.of_rows(rows, networks)


def test_prune_keeps_the_newest_runs_and_marks_the_others(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    oldest, older, newer, latest = _publish_nightly(publish_scores, 4)
    full = {run_id: scores_frame(store_engine, run_id) for run_id in (oldest, older)}
    low_account = full[oldest].loc[full[oldest]["band"] == "low", "account_id"].iloc[0]
    record_decision(
        store_engine, account_id=low_account, decision="dismiss", note=None, reviewer="mod-a"
    )

    result = prune_runs(store_engine, RetentionPolicy(keep_last=2))

    assert [(a.run_id, a.action) for a in result.actions] == [(oldest, "prune"), (older, "prune")]
    for run_id, frame in full.items():
        kept = _expected_kept(frame, {low_account})
        assert set(scores_frame(store_engine, run_id)["account_id"]) == kept
        assert low_account in kept
        run = get_run(store_engine, run_id)
        assert run is not None and run.pruned and run.status == "published"
        assert (
            run.pruned_rows
            == ROWS - len(kept)
            == result.actions[0 if run_id == oldest else 1].rows_dropped
        )
        # The record is what it was: a regulator still reads model, as_of, counts, fingerprint.
        assert run.accounts_scored == ROWS and run.counts and run.data_fingerprint
    for run_id in (newer, latest):
        assert _rows(store_engine, run_id) == ROWS
        assert not get_run(store_engine, run_id).pruned  # type: ignore[union-attr]
    assert {run.id for run in list_runs(store_engine)} == {oldest, older, newer, latest}
    assert len(list_decisions(store_engine)) == 1


def test_tallies_count_exactly_the_removed_rows(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    first, _ = _publish_nightly(publish_scores, 2)
    frame = scores_frame(store_engine, first)
    removed = frame[frame["band"] == "low"]
    networks = set(frame.loc[frame["band"] != "low", "network_id"])

    prune_runs(store_engine, RetentionPolicy(keep_last=1))

    run = get_run(store_engine, first)
    assert run is not None
    tallies = dropped_rows(store_engine, run)
    assert tallies == _tallies_of(removed, networks)
    assert tallies.accounts == run.pruned_rows == len(removed)
    assert tallies.regions == Counter(removed["region"])


def test_the_latest_published_run_is_never_pruned(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    newest, backfill = (
        publish_scores(make_scores(ROWS), as_of=AS_OF + 5 * DAY),
        # Published later but of older data: not the run readers see.
        publish_scores(make_scores(ROWS), as_of=AS_OF),
    )
    assert latest_published_run(store_engine).id == newest  # type: ignore[union-attr]
    result = prune_runs(
        store_engine, RetentionPolicy(keep_last=1, older_than=timedelta(0)), now=utcnow() + DAY
    )
    assert [a.run_id for a in result.actions] == [backfill]
    assert _rows(store_engine, newest) == ROWS
    with pytest.raises(StoreInputError, match="at least 1"):
        RetentionPolicy(keep_last=0)
    # Even asked directly (a plan gone stale), the chunk refuses the latest run.
    action = RunAction(newest, "prune", "published", AS_OF, "mlm-risk/1", 1, 1)
    with pytest.raises(StoreConflictError, match="latest published run"):
        _remove_chunk(store_engine, action, set(), RetentionPolicy(keep_last=1), "cli")
    assert _rows(store_engine, newest) == ROWS


def test_older_than_keeps_recent_runs(store_engine: Engine, publish_scores: RunWriter) -> None:
    _publish_nightly(publish_scores, 3)
    recent = RetentionPolicy(keep_last=1, older_than=timedelta(days=2))
    assert plan_prune(store_engine, recent) == []
    later = plan_prune(store_engine, recent, now=utcnow() + 3 * DAY)
    assert [a.action for a in later] == ["prune", "prune"]


def test_dry_run_changes_nothing_and_says_what_would_go(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    first, _, _ = _publish_nightly(publish_scores, 3)
    audit_before = verify_audit_chain(store_engine).entries
    low = int((scores_frame(store_engine, first)["band"] == "low").sum())

    dry = prune_runs(store_engine, RetentionPolicy(keep_last=2), dry_run=True)

    assert dry.dry_run and [(a.run_id, a.rows_dropped, a.rows_kept) for a in dry.actions] == [
        (first, low, ROWS - low)
    ]
    assert _rows(store_engine, first) == ROWS
    assert not get_run(store_engine, first).pruned  # type: ignore[union-attr]
    assert verify_audit_chain(store_engine).entries == audit_before
    done = prune_runs(store_engine, RetentionPolicy(keep_last=2))
    assert [(a.run_id, a.rows_dropped) for a in done.actions] == [(first, low)]


def test_each_pruned_run_is_audited_and_a_second_prune_does_nothing(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    first, second, _ = _publish_nightly(publish_scores, 3)
    prune_runs(store_engine, RetentionPolicy(keep_last=1), actor="ops-night")

    entries = [e for e in list_audit(store_engine, actor="ops-night") if e.action == "run.prune"]
    assert sorted(e.target for e in entries) == sorted([first, second])  # type: ignore[type-var]
    for entry in entries:
        run = get_run(store_engine, entry.target)  # type: ignore[arg-type]
        assert entry.details is not None and run is not None
        assert entry.details["rows_dropped"] == run.pruned_rows
        assert entry.details["rows_kept"] == _rows(store_engine, run.id)
        assert entry.details["policy"]["keep_last"] == 1
    chain = verify_audit_chain(store_engine)
    assert chain.ok

    again = prune_runs(store_engine, RetentionPolicy(keep_last=1))
    assert again.actions == [] and verify_audit_chain(store_engine).entries == chain.entries


def test_an_interrupted_prune_is_finished_by_the_next(
    store_engine: Engine, publish_scores: RunWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import risk.store.retention as retention

    first, _ = _publish_nightly(publish_scores, 2)
    frame = scores_frame(store_engine, first)
    networks = set(frame.loc[frame["band"] != "low", "network_id"])
    monkeypatch.setattr(retention, "_CHUNK_ROWS", 3)
    policy = RetentionPolicy(keep_last=1)
    [action] = plan_prune(store_engine, policy)
    # Two chunks committed, then the process died: rows are gone, the run is not marked.
    for _ in range(2):
        assert _remove_chunk(store_engine, action, networks, policy, "cli") == 3
    half = get_run(store_engine, first)
    assert half is not None and not half.pruned and half.pruned_rows == 6
    assert _rows(store_engine, first) == ROWS - 6
    assert dropped_rows(store_engine, half).accounts == 6

    [resumed] = prune_runs(store_engine, policy).actions

    done = get_run(store_engine, first)
    assert done is not None and done.pruned
    low = frame[frame["band"] == "low"]
    assert resumed.rows_dropped == len(low) - 6 and done.pruned_rows == len(low)
    assert dropped_rows(store_engine, done) == _tallies_of(low, networks)
    [entry] = [e for e in list_audit(store_engine, target=first) if e.action == "run.prune"]
    assert entry.details is not None and entry.details["rows_dropped"] == len(low)


def test_a_report_read_during_a_prune_is_refused(
    store_engine: Engine, publish_scores: RunWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import risk.store.retention as retention

    first, _ = _publish_nightly(publish_scores, 2)
    before = get_run(store_engine, first)
    assert before is not None
    monkeypatch.setattr(retention, "_CHUNK_ROWS", 2)
    policy = RetentionPolicy(keep_last=1)
    [action] = plan_prune(store_engine, policy)
    _remove_chunk(store_engine, action, set(), policy, "cli")
    with pytest.raises(StoreConflictError, match="being pruned"):
        dropped_rows(store_engine, before)


def test_crashed_runs_are_failed_and_emptied_live_ones_left(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    _publish_nightly(publish_scores, 1)
    key = dict(model_name="mlm-risk", model_version="1", model_run_id=None, snapshot_path=None)
    crashed = begin_run(store_engine, as_of=AS_OF, data_fingerprint="crashed", **key)
    write_scores(store_engine, crashed, make_scores(ROWS))

    assert plan_prune(store_engine, RetentionPolicy(keep_last=1)) == []  # started just now
    result = prune_runs(
        store_engine, RetentionPolicy(keep_last=1), now=utcnow() + timedelta(hours=25)
    )

    assert [(a.run_id, a.action, a.rows_dropped) for a in result.actions] == [
        (crashed, "fail", ROWS)
    ]
    run = get_run(store_engine, crashed)
    assert run is not None and run.status == "failed" and "presumed crashed" in (run.error or "")
    assert run.pruned and run.pruned_rows == ROWS and _rows(store_engine, crashed) == 0
    actions = [e.action for e in list_audit(store_engine, target=crashed)]
    assert actions == ["run.prune", "run.fail"]
    # Had its process been alive after all, its next write fails instead of publishing.
    with pytest.raises(StoreConflictError, match="failed, not running"):
        write_scores(store_engine, crashed, make_scores(1))


def test_a_failed_run_left_with_rows_is_emptied(
    store_engine: Engine, publish_scores: RunWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import risk.store.retention as retention

    _publish_nightly(publish_scores, 1)
    key = dict(model_name="mlm-risk", model_version="1", model_run_id=None, snapshot_path=None)
    crashed = begin_run(store_engine, as_of=AS_OF, data_fingerprint="crashed", **key)
    write_scores(store_engine, crashed, make_scores(ROWS))
    policy = RetentionPolicy(keep_last=1, stale_after=timedelta(hours=1))
    later = utcnow() + timedelta(hours=2)
    [action] = plan_prune(store_engine, policy, now=later)
    monkeypatch.setattr(retention, "_CHUNK_ROWS", 15)
    retention._mark_crashed(store_engine, crashed, policy, "cli")
    _remove_chunk(store_engine, action, set(), policy, "cli")  # then the prune was killed

    [resumed] = prune_runs(store_engine, policy, now=later).actions

    assert (resumed.action, resumed.rows_dropped) == ("drop", ROWS - 15)
    run = get_run(store_engine, crashed)
    assert run is not None and run.pruned and run.pruned_rows == ROWS
    assert prune_runs(store_engine, policy, now=later).actions == []


def test_decisions_are_never_touched(store_engine: Engine, publish_scores: RunWriter) -> None:
    runs = _publish_nightly(publish_scores, 3)
    for account in ("acct-00001", "acct-00039"):
        record_decision(
            store_engine, account_id=account, decision="confirm", note="核实", reviewer="mod-b"
        )
    with store_engine.connect() as connection:
        before = connection.execute(select(decisions_table)).all()
    prune_runs(store_engine, RetentionPolicy(keep_last=1))
    with store_engine.connect() as connection:
        assert connection.execute(select(decisions_table)).all() == before
    for run_id in runs[:2]:
        assert {"acct-00001", "acct-00039"} <= set(scores_frame(store_engine, run_id)["account_id"])


def test_vacuum_gives_space_back(store_engine: Engine, publish_scores: RunWriter) -> None:
    _publish_nightly(publish_scores, 3)
    prune_runs(store_engine, RetentionPolicy(keep_last=1))
    result = vacuum_store(store_engine)
    assert result.backend == store_engine.dialect.name and result.bytes_after > 0
    if result.backend == "sqlite":
        assert result.bytes_after < result.bytes_before
    assert verify_audit_chain(store_engine).ok


def _downgrade_to_0002(engine: Engine) -> None:
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    import risk.store.db

    config = Config()
    config.set_main_option(
        "script_location", str(Path(risk.store.db.__file__).with_name("migrations"))
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")


def test_downgrade_is_refused_once_a_run_was_pruned(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    from sqlalchemy import inspect

    from risk.store.db import migrate

    _publish_nightly(publish_scores, 2)
    _downgrade_to_0002(store_engine)  # nothing pruned yet: the columns may go
    assert "pruned_at" not in {c["name"] for c in inspect(store_engine).get_columns("scoring_runs")}
    migrate(store_engine)
    prune_runs(store_engine, RetentionPolicy(keep_last=1))
    with pytest.raises(RuntimeError, match="cannot be downgraded"):
        _downgrade_to_0002(store_engine)
    assert sum(run.pruned for run in list_runs(store_engine)) == 1


# The child prunes in chunks of 20 rows, slowly enough to be killed in the middle.
PRUNER = """
import sys
import risk.store.retention as retention
from risk.store.db import open_store
retention._CHUNK_ROWS = 20
engine = open_store(sys.argv[1])
retention.prune_runs(engine, retention.RetentionPolicy(keep_last=1))
"""


def test_a_killed_prune_is_finished_by_the_next(
    store_engine: Engine, store_url: str, publish_scores: RunWriter
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    big = make_scores(6_000, networks=40)
    first = publish_scores(big, as_of=AS_OF)
    publish_scores(make_scores(ROWS), as_of=AS_OF + DAY)
    root = Path(__file__).parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", PRUNER, store_url],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    deadline = time.monotonic() + 60
    while (get_run(store_engine, first).pruned_rows or 0) < 100:  # type: ignore[union-attr]
        assert child.poll() is None and time.monotonic() < deadline, "prune ended too soon"
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    killed = get_run(store_engine, first)
    assert killed is not None and not killed.pruned
    low = big[big["band"] == "low"]
    assert 100 <= (killed.pruned_rows or 0) < len(low)
    assert _rows(store_engine, first) == len(big) - (killed.pruned_rows or 0)

    prune_runs(store_engine, RetentionPolicy(keep_last=1))

    done = get_run(store_engine, first)
    assert done is not None and done.pruned and done.pruned_rows == len(low)
    networks = set(big.loc[big["band"] != "low", "network_id"])
    assert dropped_rows(store_engine, done) == _tallies_of(low, networks)
    assert verify_audit_chain(store_engine).ok

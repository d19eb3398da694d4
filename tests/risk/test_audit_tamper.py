"""Tampering a database writer can do, one test per case, each proving ``verify`` detects it.

The writer here has the database (past the append-only triggers: dropped on SQLite, replica
mode on PostgreSQL) but not the chain key, which lives outside the database, nor the anchors
(checkpoint files and report manifests) kept off the host.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from risk.errors import StoreConflictError
from risk.jsontext import canonical_json
from risk.settings import Settings
from risk.store.anchors import read_checkpoints, write_checkpoint
from risk.store.audit import append_audit, verify_audit_chain
from risk.store.chain_key import configure_chain
from risk.store.db import open_store
from risk.store.decisions import record_decision
from risk.store.keys import create_key, revoke_key
from risk.store.records import AuditVerification
from risk.store.runs import begin_run, publish_run, write_scores
from tests.risk.conftest import AS_OF, RunWriter, make_scores

_TRIGGERS = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_log_no_replace",
    "decisions_no_update",
    "decisions_no_delete",
    "decisions_no_replace",
    "api_keys_no_delete",
    "api_keys_revoke_only",
    "api_keys_no_replace",
    "scores_no_update",
)


def _as_writer(engine: Engine, *statements: str, **params: object) -> None:
    """Run statements as a database writer who gets past the triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in _TRIGGERS:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        for statement in statements:
            connection.execute(text(statement), params)


def _fill(engine: Engine, count: int = 8) -> None:
    for i in range(count):
        append_audit(engine, actor=f"mod-{i % 2}", action="account.view", target=f"acct-{i}")


def _anchor(engine: Engine, tmp_path: Path) -> Path:
    path = tmp_path / "anchors.jsonl"
    write_checkpoint(engine, reason="test", path=path)
    return path


def _verify(engine: Engine, anchors: Path | None = None) -> AuditVerification:
    return verify_audit_chain(engine, anchors=[] if anchors is None else read_checkpoints(anchors))


def _found(result: AuditVerification, words: str) -> bool:
    return not result.ok and any(words in problem for problem in result.problems)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_log WHERE seq = 8",
        "DELETE FROM audit_log WHERE seq > 4",
        "DELETE FROM audit_log",
    ],
    ids=["last-entry", "newest-half", "every-entry"],
)
def test_truncation_is_caught_by_an_anchor(
    store_engine: Engine, tmp_path: Path, statement: str
) -> None:
    _fill(store_engine)
    anchors = _anchor(store_engine, tmp_path)
    assert _verify(store_engine, anchors).ok
    _as_writer(store_engine, statement)
    assert _verify(store_engine).ok  # without the anchor, what is left is a valid chain...
    result = _verify(store_engine, anchors)
    assert _found(result, "names seq 8, but the log ends at seq")  # ...the anchor tells


def test_truncating_then_appending_again_is_caught_by_the_anchor(
    store_engine: Engine, tmp_path: Path
) -> None:
    _fill(store_engine)
    anchors = _anchor(store_engine, tmp_path)
    _as_writer(store_engine, "DELETE FROM audit_log WHERE seq > 5")
    _fill(store_engine, 3)  # the service appends seq 6..8 again
    assert _found(_verify(store_engine, anchors), "differs from the anchored one")


def _plain(prev_hash: str, row: object) -> str:
    """What the chain was before it was keyed: SHA-256 anyone can recompute."""
    body = canonical_json(
        {
            name: getattr(row, name) if name != "at" else str(row.at)
            for name in ("seq", "at", "actor", "action", "target", "details")
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def test_editing_an_entry_and_recomputing_every_later_hash_is_caught(store_engine: Engine) -> None:
    _fill(store_engine)
    _as_writer(store_engine, "UPDATE audit_log SET actor = 'mod-9' WHERE seq = 3")
    with store_engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM audit_log ORDER BY seq")).all()
    previous = rows[1].hash
    for row in rows[2:]:  # re-forge the chain from the edit on, as a writer without the key can
        forged = _plain(previous, row)
        _as_writer(
            store_engine,
            "UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s",
            p=previous,
            h=forged,
            s=row.seq,
        )
        previous = forged
    result = _verify(store_engine)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "keyed hash" in (result.reason or "")


def test_appending_a_chained_entry_in_another_users_name_is_caught(store_engine: Engine) -> None:
    _fill(store_engine, 3)
    with store_engine.connect() as connection:
        head = connection.execute(text("SELECT * FROM audit_log WHERE seq = 3")).one()
    row = type("Row", (), {})()
    for name, value in dict(
        seq=4, at=head.at, actor="mod-0", action="decision.record", target="acct-1", details={}
    ).items():
        setattr(row, name, value)
    _as_writer(
        store_engine,
        "INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) "
        "VALUES (4, :at, 'mod-0', 'decision.record', 'acct-1', '{}', :p, :h)",
        at=head.at,
        p=head.hash,
        h=_plain(head.hash, row),
    )
    result = _verify(store_engine)
    assert (result.ok, result.first_bad_seq) == (False, 4)


def _decided(engine: Engine, publish_scores: RunWriter) -> int:
    publish_scores(make_scores(4))
    return record_decision(
        engine, account_id="acct-00001", decision="confirm", note="拉人头", reviewer="mod-1"
    ).id


def test_sqlite_insert_or_replace_into_decisions_is_refused(sqlite_store_url: str) -> None:
    engine = open_store(sqlite_store_url)
    run_id = begin_run(
        engine,
        as_of=AS_OF,
        model_name="m",
        model_version="1",
        model_run_id=None,
        data_fingerprint="fp",
        snapshot_path=None,
    )
    write_scores(engine, run_id, make_scores(3))
    publish_run(engine, run_id, accounts_scored=3, counts={}, timings={}, drift=None)
    decided = record_decision(
        engine, account_id="acct-00001", decision="confirm", note=None, reviewer="m"
    )
    replace = (
        "INSERT OR REPLACE INTO decisions (id, account_id, run_id, score, band, decision, note, "
        "reviewer, created_at) SELECT id, account_id, run_id, score, band, 'dismiss', note, "
        f"reviewer, created_at FROM decisions WHERE id = {decided.id}"
    )
    with pytest.raises(DBAPIError, match="replacing a row refused"), engine.begin() as connection:
        connection.execute(text(replace))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT decision FROM decisions")).scalar_one() == "confirm"
    engine.dispose()


def test_a_flipped_decision_is_named(store_engine: Engine, publish_scores: RunWriter) -> None:
    decision_id = _decided(store_engine, publish_scores)
    assert _verify(store_engine).ok
    _as_writer(store_engine, f"UPDATE decisions SET decision = 'dismiss' WHERE id = {decision_id}")
    assert _found(_verify(store_engine), f"decision {decision_id} (acct-00001): decision is")


def test_a_deleted_decision_is_named(store_engine: Engine, publish_scores: RunWriter) -> None:
    decision_id = _decided(store_engine, publish_scores)
    _as_writer(store_engine, f"DELETE FROM decisions WHERE id = {decision_id}")
    assert _found(_verify(store_engine), f"decision {decision_id} recorded at audit seq")


def test_a_decision_without_its_entry_is_named(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    _decided(store_engine, publish_scores)
    _as_writer(
        store_engine,
        "INSERT INTO decisions (account_id, run_id, score, band, decision, note, reviewer, "
        "created_at) SELECT account_id, run_id, score, band, 'dismiss', NULL, 'mod-2', "
        "created_at FROM decisions",
    )
    assert _found(_verify(store_engine), "has no audit entry")


def test_changed_scores_of_a_published_run_are_named(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run_id = publish_scores(make_scores(6))
    assert _verify(store_engine).ok
    _as_writer(store_engine, "UPDATE scores SET band = 'low' WHERE account_id = 'acct-00000'")
    assert _found(_verify(store_engine), f"run {run_id}: its 6 score rows differ")


def test_a_changed_run_record_is_named(store_engine: Engine, publish_scores: RunWriter) -> None:
    run_id = publish_scores(make_scores(3))
    _as_writer(store_engine, f"UPDATE scoring_runs SET model_version = '9' WHERE id = '{run_id}'")
    assert _found(_verify(store_engine), f"run {run_id}: model_version is '9'")


def test_a_run_published_behind_the_service_is_named(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run_id = publish_scores(make_scores(3))
    _as_writer(store_engine, f"DELETE FROM audit_log WHERE target = '{run_id}'")
    result = _verify(store_engine)
    assert not result.ok  # the deletion breaks the chain itself (an entry is missing)


def test_un_revoking_a_key_is_refused_and_named(store_engine: Engine) -> None:
    create_key(store_engine, role="admin", name="root")
    create_key(store_engine, role="moderator", name="alice")
    revoke_key(store_engine, "alice")
    with pytest.raises(DBAPIError, match="revok"), store_engine.begin() as connection:
        connection.execute(text("UPDATE api_keys SET revoked_at = NULL WHERE name = 'alice'"))
    with pytest.raises(DBAPIError, match="DELETE refused"), store_engine.begin() as connection:
        connection.execute(text("DELETE FROM api_keys WHERE name = 'alice'"))
    _as_writer(store_engine, "UPDATE api_keys SET revoked_at = NULL WHERE name = 'alice'")
    assert _found(_verify(store_engine), "'alice' was revoked (audit) but is active again")


def test_a_swapped_key_hash_and_a_role_change_are_named(store_engine: Engine) -> None:
    create_key(store_engine, role="admin", name="root")
    create_key(store_engine, role="moderator", name="alice")
    forged = hashlib.sha256(b"mlr_attacker").hexdigest()
    _as_writer(
        store_engine,
        f"UPDATE api_keys SET key_hash = '{forged}', role = 'admin' WHERE name = 'alice'",
    )
    result = _verify(store_engine)
    assert _found(result, "'alice': its stored hash is not the one created")
    assert _found(result, "'alice': role is 'admin'")


def test_a_key_inserted_behind_the_service_is_named(store_engine: Engine) -> None:
    create_key(store_engine, role="admin", name="root")
    _as_writer(
        store_engine,
        "INSERT INTO api_keys (name, role, key_prefix, key_hash, created_at) "
        f"SELECT 'mallory', 'admin', 'mlr_x', '{'a' * 64}', created_at FROM api_keys",
    )
    assert _found(_verify(store_engine), "'mallory' has no key.create audit entry")


def test_the_last_admin_key_cannot_be_revoked(store_engine: Engine) -> None:
    create_key(store_engine, role="admin", name="root")
    create_key(store_engine, role="moderator", name="alice")
    with pytest.raises(StoreConflictError, match="last active admin key"):
        revoke_key(store_engine, "root")
    create_key(store_engine, role="admin", name="root-2")
    assert revoke_key(store_engine, "root").revoked_at is not None
    with pytest.raises(StoreConflictError, match="last active admin key"):
        revoke_key(store_engine, "root-2")


def test_verify_with_another_key_says_so_at_the_first_entry(
    store_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store_engine, 2)
    anchors = _anchor(store_engine, tmp_path)
    monkeypatch.setenv("RISK_AUDIT_KEY", "another-key-" + "x" * 40)
    configure_chain(store_engine, Settings())
    result = _verify(store_engine, anchors)
    assert (result.ok, result.first_bad_seq) == (False, 1)
    monkeypatch.setenv("RISK_AUDIT_KEY", "test-audit-chain-key-0123456789abcdef0123456789")
    configure_chain(store_engine, Settings())
    assert _verify(store_engine, anchors).ok


def test_checkpoints_are_written_every_n_entries_and_after_each_run(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    engine = open_store(sqlite_store_url)
    settings = Settings(home=tmp_path / "home", database_url=sqlite_store_url)
    configure_chain(engine, settings.model_copy(update={"audit_checkpoint_every": 3}))
    _fill(engine, 7)
    lines = [json.loads(line) for line in settings.anchors_file.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [3, 6]
    assert all(line["reason"] == "every 3 entries" for line in lines)
    run_id = begin_run(
        engine,
        as_of=AS_OF,
        model_name="m",
        model_version="1",
        model_run_id=None,
        data_fingerprint="fp",
        snapshot_path=None,
    )
    write_scores(engine, run_id, make_scores(3))
    publish_run(engine, run_id, accounts_scored=3, counts={}, timings={}, drift=None)
    last = json.loads(settings.anchors_file.read_text().splitlines()[-1])
    assert (last["seq"], last["reason"]) == (8, f"run {run_id} published")
    assert verify_audit_chain(engine, anchors=read_checkpoints(settings.anchors_file)).ok
    assert settings.anchors_file.stat().st_mode & 0o077 == 0
    engine.dispose()

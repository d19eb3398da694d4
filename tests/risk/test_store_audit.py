"""The audit log's hash chain: intact when untouched, broken at the exact tampered entry."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from risk.store.audit import GENESIS_HASH, append_audit, list_audit, verify_audit_chain


def _fill(engine: Engine, count: int = 6) -> None:
    for i in range(count):
        append_audit(
            engine,
            actor=f"mod-{i % 2}",
            action="account.view",
            target=f"acct-{i}",
            details={"i": i, "备注": "查看账户", "score": 0.1 * i},
        )


def _tamper(engine: Engine, *statements: str) -> None:
    """Edit the log behind the store's back, past its append-only triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            connection.execute(text(statement))


def test_untouched_chain_verifies(store_engine: Engine) -> None:
    assert verify_audit_chain(store_engine).ok
    _fill(store_engine)
    result = verify_audit_chain(store_engine)
    assert result.ok and result.entries == 6 and result.first_bad_seq is None
    entries = list_audit(store_engine, limit=100)
    assert [entry.seq for entry in entries] == [6, 5, 4, 3, 2, 1]
    assert entries[-1].prev_hash == GENESIS_HASH and result.head_hash == entries[0].hash
    assert entries[0].details == {"i": 5, "备注": "查看账户", "score": 0.5}


@pytest.mark.parametrize(
    ("statements", "bad_seq", "why"),
    [
        (["UPDATE audit_log SET actor = 'mod-9' WHERE seq = 3"], 3, "edited"),
        (["UPDATE audit_log SET details = '{\"i\": 99}' WHERE seq = 4"], 4, "edited"),
        (["DELETE FROM audit_log WHERE seq = 3"], 4, "expected seq 3"),
        (
            [
                "UPDATE audit_log SET seq = -1 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = -1",
            ],
            3,
            "reordered",
        ),
        (
            ["DELETE FROM audit_log WHERE seq = 5", "UPDATE audit_log SET seq = 5 WHERE seq = 6"],
            5,
            "prev_hash",
        ),
    ],
    ids=["edit-actor", "edit-details", "delete", "swap", "delete-and-renumber"],
)
def test_tampering_is_detected_at_its_seq(
    store_engine: Engine, statements: list[str], bad_seq: int, why: str
) -> None:
    _fill(store_engine)
    _tamper(store_engine, *statements)
    result = verify_audit_chain(store_engine)
    assert not result.ok
    assert result.first_bad_seq == bad_seq
    assert why in (result.reason or "")


def test_rehashing_an_edited_entry_still_breaks_the_next_link(store_engine: Engine) -> None:
    _fill(store_engine)
    forged = "f" * 64
    _tamper(store_engine, f"UPDATE audit_log SET hash = '{forged}' WHERE seq = 2")
    result = verify_audit_chain(store_engine)
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_concurrent_appends_never_fork_the_chain(store_engine: Engine) -> None:
    def append_many(worker: int) -> None:
        for i in range(8):
            append_audit(store_engine, actor=f"w{worker}", action="test", target=str(i))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(append_many, range(4)))
    result = verify_audit_chain(store_engine)
    assert result.ok and result.entries == 32


def test_append_in_callers_transaction_rolls_back_with_it(store_engine: Engine) -> None:
    from risk.store.db import session_scope, write_transaction

    with session_scope(store_engine) as session:
        append_audit(session, actor="api", action="export", target="report-1")
    with pytest.raises(RuntimeError), write_transaction(store_engine) as connection:
        append_audit(connection, actor="api", action="export", target="report-2")
        raise RuntimeError("the caller's work failed")
    assert [e.target for e in list_audit(store_engine)] == ["report-1"]
    assert verify_audit_chain(store_engine).ok


def test_many_entries_in_one_append_chain_in_order_between_single_ones(
    store_engine: Engine,
) -> None:
    from risk.store.audit import append_audit_many_in
    from risk.store.db import write_transaction

    _fill(store_engine, 2)
    with write_transaction(store_engine) as connection:
        assert append_audit_many_in(connection, []) == []
        batch = append_audit_many_in(
            connection,
            [("lead", "decision.record", f"acct-{i}", {"i": i}) for i in range(5)],
        )
    _fill(store_engine, 1)
    assert [entry.seq for entry in batch] == [3, 4, 5, 6, 7]
    assert [entry.prev_hash for entry in batch[1:]] == [entry.hash for entry in batch[:-1]]
    result = verify_audit_chain(store_engine)
    assert result.ok and result.entries == 8
    by_seq = {entry.seq: entry.target for entry in list_audit(store_engine)}
    assert [by_seq[seq] for seq in range(3, 8)] == [f"acct-{i}" for i in range(5)]

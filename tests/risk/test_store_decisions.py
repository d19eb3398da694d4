"""Decisions: recorded with the score shown and an audit entry; never edited or deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from risk.errors import StoreInputError, StoreNotFoundError
from risk.store.audit import list_audit
from risk.store.decisions import list_decisions, record_decision
from risk.store.scores import get_account_score, view_account
from tests.risk.conftest import RunWriter, make_scores


def test_decision_records_the_shown_score_and_is_audited(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run_id = publish_scores(make_scores(5))
    shown = get_account_score(store_engine, "acct-00001")
    decided = record_decision(
        store_engine,
        account_id="acct-00001",
        decision="dismiss",
        note="正常零售 retail",
        reviewer="mod-7",
    )
    assert shown is not None
    assert (decided.run_id, decided.score, decided.band) == (run_id, shown.score, shown.band)
    entry, published = list_audit(store_engine)
    assert (published.action, published.target) == ("run.publish", run_id)
    assert (entry.actor, entry.action, entry.target) == ("mod-7", "decision.record", "acct-00001")
    assert entry.details["decision_id"] == decided.id  # type: ignore[index]
    assert entry.details["note"] == "正常零售 retail"  # type: ignore[index]
    assert list_decisions(store_engine, account_id="acct-00001") == [decided]
    assert list_decisions(store_engine, since=decided.created_at + timedelta(seconds=1)) == []
    assert list_decisions(store_engine, until=decided.created_at) == []


def test_decision_refusals_write_nothing(store_engine: Engine, publish_scores: RunWriter) -> None:
    publish_scores(make_scores(2))
    with pytest.raises(StoreNotFoundError):
        record_decision(
            store_engine, account_id="ghost", decision="confirm", note=None, reviewer="m"
        )
    with pytest.raises(StoreInputError):
        record_decision(
            store_engine, account_id="acct-00000", decision="ban", note=None, reviewer="m"
        )
    with pytest.raises(StoreInputError):
        record_decision(
            store_engine, account_id="acct-00000", decision="confirm", note="x" * 5000, reviewer="m"
        )
    assert list_decisions(store_engine) == []
    assert [entry.action for entry in list_audit(store_engine)] == ["run.publish"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decisions SET decision = 'dismiss'",
        "DELETE FROM decisions",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ],
)
def test_append_only_tables_reject_edits(
    store_engine: Engine, publish_scores: RunWriter, statement: str
) -> None:
    publish_scores(make_scores(2))
    record_decision(
        store_engine, account_id="acct-00000", decision="confirm", note=None, reviewer="m"
    )
    with pytest.raises(DBAPIError, match="append-only"), store_engine.begin() as connection:
        connection.execute(text(statement))
    assert [d.decision for d in list_decisions(store_engine)] == ["confirm"]
    assert len(list_audit(store_engine)) == 2


def test_view_account_is_audited_even_when_unknown(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run_id = publish_scores(make_scores(2))
    assert view_account(store_engine, "acct-00001", actor="reg-1").run_id == run_id  # type: ignore[union-attr]
    assert view_account(store_engine, "nobody", actor="reg-1") is None
    entries = list_audit(store_engine, actor="reg-1")
    assert [(e.action, e.target, e.details["found"]) for e in entries] == [  # type: ignore[index]
        ("account.view", "nobody", False),
        ("account.view", "acct-00001", True),
    ]

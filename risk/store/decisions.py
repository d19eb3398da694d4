"""Moderator decisions: appended with their audit entry in one transaction, never edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from risk.errors import StoreInputError, StoreNotFoundError
from risk.store.audit import append_audit_in
from risk.store.db import read_transaction, write_transaction
from risk.store.records import DecisionRecord
from risk.store.runs import as_utc
from risk.store.schema import decisions_table
from risk.store.scores import account_score_in
from risk.store.types import utcnow
from risk.vocab import DECISIONS

MAX_NOTE_CHARS = 4_000
_d = decisions_table.c


def _check_decision(decision: str, note: str | None, reviewer: str) -> None:
    """Refuse an unknown decision, an over-long note or an anonymous reviewer."""
    if decision not in DECISIONS:
        raise StoreInputError(f"unknown decision {decision!r}; use {', '.join(DECISIONS)}")
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise StoreInputError(f"note has {len(note)} characters; at most {MAX_NOTE_CHARS}")
    if not reviewer.strip():
        raise StoreInputError("a decision needs a reviewer")


def insert_decision_in(
    connection: Connection,
    *,
    account_id: str,
    run_id: str,
    score: float,
    band: str,
    decision: str,
    note: str | None,
    reviewer: str,
    details: dict[str, Any] | None = None,
) -> tuple[int, dict[str, Any]]:
    """One decision row on the score the reviewer saw, and its ``decision.record`` audit entry
    (with any ``details`` added), in the caller's transaction: the id and the row's values.
    ``risk audit verify`` holds every decision row to this entry."""
    values: dict[str, Any] = dict(
        account_id=account_id,
        run_id=run_id,
        score=score,
        band=band,
        decision=decision,
        note=note,
        reviewer=reviewer,
        created_at=utcnow(),
    )
    decision_id = connection.execute(
        insert(decisions_table).values(**values).returning(_d.id)
    ).scalar_one()
    append_audit_in(
        connection,
        actor=reviewer,
        action="decision.record",
        target=account_id,
        details={
            "decision_id": decision_id,
            "decision": decision,
            "run_id": run_id,
            "score": score,
            "band": band,
            "note": note,
            **(details or {}),
        },
    )
    return int(decision_id), values


def record_decision(
    engine: Engine, *, account_id: str, decision: str, note: str | None, reviewer: str
) -> DecisionRecord:
    """Record a decision on the account's score in the latest published run, and audit it."""
    _check_decision(decision, note, reviewer)
    with write_transaction(engine) as connection:
        shown = account_score_in(connection, account_id)
        if shown is None:
            raise StoreNotFoundError(f"account {account_id!r} has no score in the published run")
        decision_id, values = insert_decision_in(
            connection,
            account_id=account_id,
            run_id=shown.run_id,
            score=shown.score,
            band=shown.band,
            decision=decision,
            note=note,
            reviewer=reviewer,
        )
    return DecisionRecord(id=decision_id, **values)


def list_decisions(
    engine: Engine,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    account_id: str | None = None,
) -> list[DecisionRecord]:
    """Decisions in the order they were made, optionally in [since, until) or for one account."""
    query = select(decisions_table).order_by(_d.created_at, _d.id)
    if since is not None:
        query = query.where(_d.created_at >= as_utc(since))
    if until is not None:
        query = query.where(_d.created_at < as_utc(until))
    if account_id is not None:
        query = query.where(_d.account_id == account_id)
    with engine.connect() as connection:
        return [DecisionRecord.from_row(row) for row in connection.execute(query)]


def decided_accounts(engine: Engine) -> frozenset[str]:
    """Every account with a decision on record (what "pending" leaves out of a queue)."""
    with read_transaction(engine) as connection:
        return frozenset(connection.execute(select(_d.account_id).distinct()).scalars())


def decisions_version(engine: Engine) -> str:
    """A marker that changes whenever a decision is recorded (decisions are never edited or
    deleted: their count and newest id say it all): what a cached report was built from."""
    with read_transaction(engine) as connection:
        count, newest = connection.execute(select(func.count(), func.max(_d.id))).one()
    return f"{int(count)}-{int(newest or 0)}"

"""Moderator decisions: appended with their audit entry in one transaction, never edited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from risk.errors import StoreInputError, StoreNotFoundError
from risk.store.audit import AuditInput, append_audit_many_in
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


@dataclass(frozen=True)
class NewDecision:
    """One decision to write: on the score the reviewer saw (``run_id``, ``score``, ``band``);
    ``details`` are added to its audit entry."""

    account_id: str
    run_id: str
    score: float
    band: str
    decision: str
    note: str | None
    reviewer: str
    details: dict[str, Any] | None = None


def insert_decisions_in(
    connection: Connection, decisions: Sequence[NewDecision]
) -> list[tuple[int, dict[str, Any]]]:
    """Decision rows and their ``decision.record`` audit entries, in the caller's transaction:
    each one's id and row values, in order. One multi-row insert each (a case decided for 5,000
    accounts). ``risk audit verify`` holds every decision row to its entry."""
    if not decisions:
        return []
    now = utcnow()
    rows = [
        dict(
            account_id=d.account_id,
            run_id=d.run_id,
            score=d.score,
            band=d.band,
            decision=d.decision,
            note=d.note,
            reviewer=d.reviewer,
            created_at=now,
        )
        for d in decisions
    ]
    returning = insert(decisions_table).returning(_d.id, sort_by_parameter_order=True)
    ids = [int(i) for i in connection.execute(returning, rows).scalars().all()]
    entries: list[AuditInput] = [
        (
            d.reviewer,
            "decision.record",
            d.account_id,
            {
                "decision_id": decision_id,
                "decision": d.decision,
                "run_id": d.run_id,
                "score": d.score,
                "band": d.band,
                "note": d.note,
                **(d.details or {}),
            },
        )
        for d, decision_id in zip(decisions, ids, strict=True)
    ]
    append_audit_many_in(connection, entries)
    return list(zip(ids, rows, strict=True))


def insert_decision_in(connection: Connection, decision: NewDecision) -> tuple[int, dict[str, Any]]:
    """One decision row and its audit entry (``insert_decisions_in`` of one)."""
    return insert_decisions_in(connection, [decision])[0]


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
            NewDecision(
                account_id, shown.run_id, shown.score, shown.band, decision, note, reviewer
            ),
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

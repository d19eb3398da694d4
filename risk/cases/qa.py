"""Reviewer QA: a configurable share of decided cases goes blind to another moderator (they
see the accounts, not the outcomes); agreement is the share of accounts both decided alike,
per original decider."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from risk.cases.errors import CaseNotFoundError, CaseStateError, FourEyesError
from risk.errors import StoreInputError
from risk.store.db import read_transaction, write_transaction
from risk.store.records import _Record
from risk.store.schema import case_accounts_table, case_proposals_table, qa_table
from risk.store.types import utcnow
from risk.vocab import DECISIONS

_q, _a, _p = qa_table.c, case_accounts_table.c, case_proposals_table.c


@dataclass(frozen=True)
class QaAssignment(_Record):
    """A sampled case as its QA reviewer sees it: the accounts, never the first outcomes."""

    id: int
    case_id: int
    accounts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class QaResult(_Record):
    id: int
    case_id: int
    reviewer: str
    reviewed_at: datetime
    compared: int
    agreed: int


def sampled(case_id: int, proposal_id: int, share: float) -> bool:
    """Whether a decision falls in the QA sample (a stable hash, not a coin: reproducible)."""
    digest = hashlib.sha256(f"{case_id}:{proposal_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def sample_in(
    connection: Connection, *, case_id: int, proposal_id: int, decided_by: str, share: float
) -> bool:
    """Put the decision in the QA sample when it falls there (in the decision's transaction)."""
    if not sampled(case_id, proposal_id, share):
        return False
    connection.execute(
        insert(qa_table).values(
            case_id=case_id, proposal_id=proposal_id, decided_by=decided_by, sampled_at=utcnow()
        )
    )
    return True


def _blind(connection: Connection, row: Any) -> QaAssignment:
    accounts = connection.execute(
        select(_a.account_id, _a.role, _a.band, _a.tier)
        .where(_a.case_id == row.case_id)
        .order_by(_a.score.desc(), _a.account_id)
    ).all()
    return QaAssignment(
        id=row.id, case_id=row.case_id, accounts=[dict(a._mapping) for a in accounts]
    )


def next_review(engine: Engine, *, actor: str) -> QaAssignment | None:
    """The caller's open QA review, else the oldest unassigned one someone else decided."""
    with write_transaction(engine) as connection:
        mine = connection.execute(
            select(qa_table).where(_q.reviewer == actor, _q.reviewed_at.is_(None)).limit(1)
        ).first()
        if mine is not None:
            return _blind(connection, mine)
        candidate = connection.execute(
            select(qa_table)
            .where(_q.reviewer.is_(None), _q.decided_by != actor)
            .order_by(_q.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if candidate is None:
            return None
        connection.execute(
            update(qa_table)
            .where(_q.id == candidate.id, _q.reviewer.is_(None))
            .values(reviewer=actor, assigned_at=utcnow())
        )
        return _blind(connection, candidate)


def submit_review(
    engine: Engine, *, qa_id: int, actor: str, outcomes: Mapping[str, str]
) -> QaResult:
    """The reviewer's decision per account, compared with the case's applied decision."""
    bad = sorted(a for a, d in outcomes.items() if d not in DECISIONS)
    if bad:
        raise StoreInputError(f"unknown decision for accounts {', '.join(bad[:10])}")
    with write_transaction(engine) as connection:
        row = connection.execute(select(qa_table).where(_q.id == qa_id)).first()
        if row is None:
            raise CaseNotFoundError(f"no QA review {qa_id}")
        if row.decided_by == actor:
            raise FourEyesError("a moderator never reviews their own decision")
        if row.reviewer != actor or row.reviewed_at is not None:
            raise CaseStateError(f"QA review {qa_id} is not open for {actor}")
        first = connection.execute(select(_p.outcomes).where(_p.id == row.proposal_id)).scalar()
        original = {o["account_id"]: o["decision"] for o in first or []}
        if set(outcomes) != set(original):
            missing = sorted(set(original) - set(outcomes))[:10]
            raise StoreInputError(f"give every account of the case a decision; missing {missing}")
        agreed = sum(1 for a, d in outcomes.items() if original[a] == d)
        now = utcnow()
        connection.execute(
            update(qa_table)
            .where(_q.id == qa_id)
            .values(
                reviewed_at=now,
                outcomes=[{"account_id": a, "decision": d} for a, d in sorted(outcomes.items())],
                compared=len(outcomes),
                agreed=agreed,
            )
        )
    return QaResult(qa_id, row.case_id, actor, now, len(outcomes), agreed)


def sample_log(engine: Engine, *, limit: int = 200) -> list[dict[str, Any]]:
    """The QA sample, newest first: which case, whose decision, who reviews it and how it
    agreed (never the outcomes: the log is for the lead, the review stays blind)."""
    columns = (_q.id, _q.case_id, _q.decided_by, _q.sampled_at, _q.reviewer, _q.assigned_at,
               _q.reviewed_at, _q.compared, _q.agreed)  # fmt: skip
    query = select(*columns).order_by(_q.id.desc()).limit(limit)
    with read_transaction(engine) as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def agreement(engine: Engine) -> list[dict[str, Any]]:
    """Per original decider: reviews done, accounts compared and the share agreed."""
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(_q.decided_by, _q.compared, _q.agreed).where(_q.reviewed_at.is_not(None))
        ).all()
    per: dict[str, list[int]] = {}
    for row in rows:
        totals = per.setdefault(row.decided_by, [0, 0, 0])
        totals[0] += 1
        totals[1] += int(row.compared or 0)
        totals[2] += int(row.agreed or 0)
    return [
        {
            "moderator": name,
            "reviews": reviews,
            "accounts_compared": compared,
            "agreement": round(agreed / compared, 4) if compared else None,
        }
        for name, (reviews, compared, agreed) in sorted(per.items())
    ]

"""Sharing the work: claim the most urgent unassigned case, release it, reassign it (a lead).

Claiming is race-free on both databases: on PostgreSQL the candidate row is locked with
``FOR UPDATE SKIP LOCKED`` (a second claimer takes the next case instead of waiting), on SQLite
the write transaction holds the database's one write lock from BEGIN IMMEDIATE; the update
also re-checks that the case is still unassigned.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from risk.cases.errors import CaseStateError
from risk.cases.history import check_step, locked_case, move_case, record_event
from risk.cases.reading import case_record_in, work_order
from risk.cases.records import CaseRecord
from risk.errors import StoreInputError
from risk.store.db import write_transaction
from risk.store.schema import cases_table
from risk.store.types import utcnow

_c = cases_table.c


def _check_actor(name: str, what: str = "actor") -> None:
    if not name.strip():
        raise StoreInputError(f"{what} must not be empty")


def claim_next(engine: Engine, *, actor: str) -> CaseRecord | None:
    """Assign the most urgent open, unassigned case to ``actor``; None when none is left."""
    _check_actor(actor)
    now = utcnow()
    candidate = (
        select(_c.id)
        .where((_c.state == "open") & _c.assignee.is_(None))
        .order_by(*work_order(now))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    with write_transaction(engine) as connection:
        case_id = connection.execute(candidate).scalar()
        if case_id is None:
            return None
        taken = connection.execute(
            update(cases_table)
            .where((_c.id == case_id) & (_c.state == "open") & _c.assignee.is_(None))
            .values(state="in_review", assignee=actor, assigned_at=now, updated_at=now)
        )
        if taken.rowcount != 1:  # cannot happen under the locks above; never hand out twice
            raise CaseStateError(f"case {case_id} was claimed meanwhile; ask again")
        record_event(
            connection,
            case_id=case_id,
            actor=actor,
            kind="claim",
            from_state="open",
            to_state="in_review",
            details={"assignee": actor},
        )
        return case_record_in(connection, case_id)


def release(engine: Engine, *, case_id: int, actor: str, is_lead: bool) -> CaseRecord:
    """Put a case back in the pool (its assignee, or a lead)."""
    with write_transaction(engine) as connection:
        row = locked_case(connection, case_id)
        check_step(row, "release")
        if row.assignee != actor and not is_lead:
            raise CaseStateError(f"case {case_id} is assigned to {row.assignee}, not to {actor}")
        move_case(
            connection,
            row,
            step="release",
            actor=actor,
            details={"assignee_was": row.assignee},
            assignee=None,
            assigned_at=None,
        )
        return case_record_in(connection, case_id)


def reassign(engine: Engine, *, case_id: int, actor: str, assignee: str) -> CaseRecord:
    """A lead gives an open or in-review case to ``assignee``."""
    _check_actor(assignee, "assignee")
    with write_transaction(engine) as connection:
        row = locked_case(connection, case_id)
        move_case(
            connection,
            row,
            step="reassign",
            actor=actor,
            details={"assignee_was": row.assignee, "assignee": assignee},
            assignee=assignee,
            assigned_at=utcnow(),
        )
        return case_record_in(connection, case_id)


def close(engine: Engine, *, case_id: int, actor: str, is_lead: bool) -> CaseRecord:
    """Close a decided case (its assignee or a lead); its unit may get a new case later."""
    with write_transaction(engine) as connection:
        row = locked_case(connection, case_id)
        check_step(row, "close")
        if row.assignee != actor and not is_lead:
            raise CaseStateError(f"case {case_id} is assigned to {row.assignee}, not to {actor}")
        move_case(connection, row, step="close", actor=actor, closed_at=utcnow())
        return case_record_in(connection, case_id)

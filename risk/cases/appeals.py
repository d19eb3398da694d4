"""Appeals against an action: filed for the seller within the window, decided by someone
other than whoever decided or approved the action. An overturn reverses the action and records
a newer decision (dismiss) for the account, which then becomes its training label."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from risk.cases.decisions import MAX_TEXT_CHARS, record_decision_in
from risk.cases.errors import CaseNotFoundError, CaseStateError, FourEyesError
from risk.cases.events import appeal_decided
from risk.cases.history import locked_case, move_case
from risk.cases.records import AppealRecord
from risk.errors import StoreInputError
from risk.store.db import write_transaction
from risk.store.schema import actions_table, appeals_table, case_accounts_table
from risk.store.types import utcnow
from risk.vocab import APPEAL_OUTCOMES

_x, _p, _a = actions_table.c, appeals_table.c, case_accounts_table.c


def _check_text(name: str, value: str) -> None:
    if not value.strip():
        raise StoreInputError(f"{name} must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        raise StoreInputError(f"{name} has {len(value)} characters; at most {MAX_TEXT_CHARS}")


def _action(connection: Connection, action_id: int) -> Any:
    row = connection.execute(select(actions_table).where(_x.id == action_id)).first()
    if row is None:
        raise CaseNotFoundError(f"no action {action_id}")
    return row


def _appeal(connection: Connection, appeal_id: int) -> AppealRecord:
    row = connection.execute(select(appeals_table).where(_p.id == appeal_id)).first()
    if row is None:
        raise CaseNotFoundError(f"no appeal {appeal_id}")
    return AppealRecord.from_row(row)


def file_appeal(
    engine: Engine, *, action_id: int, actor: str, grounds: str, window_days: int
) -> AppealRecord:
    """File an appeal against an action (one open appeal per action, within the window)."""
    _check_text("grounds", grounds)
    now = utcnow()
    with write_transaction(engine) as connection:
        action = _action(connection, action_id)
        closes = action.taken_at + timedelta(days=window_days)
        if now > closes:
            raise StoreInputError(
                f"the appeal window of action {action_id} closed on {closes:%Y-%m-%d} "
                f"({window_days} days after it was taken)"
            )
        earlier = connection.execute(
            select(_p.id, _p.outcome).where(_p.action_id == action_id).order_by(_p.id)
        ).all()
        if any(outcome is None for _, outcome in earlier):
            raise CaseStateError(f"action {action_id} already has an appeal waiting")
        if any(outcome == "overturn" for _, outcome in earlier):
            raise CaseStateError(f"action {action_id} was already overturned")
        row = locked_case(connection, action.case_id)
        appeal_id = connection.execute(
            insert(appeals_table)
            .values(
                action_id=action_id,
                case_id=action.case_id,
                filed_at=now,
                filed_by=actor,
                grounds=grounds,
            )
            .returning(_p.id)
        ).scalar_one()
        details = {"appeal_id": appeal_id, "action_id": action_id}
        move_case(connection, row, step="appeal", actor=actor, details=details)
        return _appeal(connection, appeal_id)


def decide_appeal(
    engine: Engine, *, appeal_id: int, actor: str, outcome: str, reasons: str
) -> AppealRecord:
    """Uphold or overturn, by someone who neither decided nor approved the action."""
    if outcome not in APPEAL_OUTCOMES:
        raise StoreInputError(f"outcome must be one of {', '.join(APPEAL_OUTCOMES)}")
    _check_text("reasons", reasons)
    with write_transaction(engine) as connection:
        appeal = _appeal(connection, appeal_id)
        action = _action(connection, appeal.action_id)
        row = locked_case(connection, appeal.case_id)
        if appeal.outcome is not None:
            raise CaseStateError(f"appeal {appeal_id} was already decided ({appeal.outcome})")
        if actor in (action.decided_by, action.approved_by):
            raise FourEyesError(
                f"{actor} decided or approved action {action.id}; someone else must judge "
                "the appeal"
            )
        connection.execute(
            update(appeals_table)
            .where(_p.id == appeal_id)
            .values(decided_at=utcnow(), decided_by=actor, outcome=outcome, reasons=reasons)
        )
        if outcome == "overturn" and action.account_id is not None:
            _dismiss(connection, action, appeal_id, actor, reasons)
        waiting = connection.execute(
            select(func.count()).where((_p.case_id == row.id) & _p.outcome.is_(None))
        ).scalar_one()
        details = {"appeal_id": appeal_id, "action_id": action.id, "outcome": outcome}
        move_case(
            connection,
            row,
            step="judge_appeal",
            actor=actor,
            to_state="appealed" if waiting else "re_decided",
            details=details,
        )
        appeal_decided(connection, appeal_id)
        return _appeal(connection, appeal_id)


def _dismiss(connection: Connection, action: Any, appeal_id: int, actor: str, reasons: str) -> None:
    """The account's newer decision after an overturn: dismiss (its label from now on)."""
    member = connection.execute(
        select(case_accounts_table).where(
            (_a.case_id == action.case_id) & (_a.account_id == action.account_id)
        )
    ).one()
    record_decision_in(
        connection,
        member,
        decision="dismiss",
        note=f"appeal {appeal_id} overturned action {action.id}: {reasons}",
        reviewer=actor,
        details={"case_id": action.case_id, "appeal_id": appeal_id, "action_id": action.id},
    )

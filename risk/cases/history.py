"""A case's history: every change appended to ``case_events`` and to the audit chain, in the
caller's transaction; the allowed state changes, in one table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from risk.cases.errors import CaseNotFoundError, CaseStateError
from risk.store.audit import append_audit_in
from risk.store.schema import case_events_table, cases_table
from risk.store.types import utcnow
from risk.vocab import CaseState

# step -> (states it may start from, state it leads to); None: the state does not change.
STEPS: dict[str, tuple[tuple[CaseState, ...], CaseState | None]] = {
    "claim": (("open",), "in_review"),
    "release": (("in_review",), "open"),
    "reassign": (("open", "in_review"), "in_review"),
    "propose": (("in_review",), None),  # awaiting_approval or decided: the proposal says
    "approve": (("awaiting_approval",), "decided"),
    "reject": (("awaiting_approval",), "in_review"),
    "appeal": (("decided", "appealed", "re_decided"), "appealed"),
    "judge_appeal": (("appealed",), None),  # re_decided once no appeal is pending
    "close": (("decided", "re_decided"), "closed"),
    # a branch case closed into the network case that now holds its accounts (risk.cases.absorb)
    "absorb": (("open", "in_review"), "closed"),
}
_c = cases_table.c


def case_target(case_id: int) -> str:
    """The audit log's target for a case."""
    return f"case:{case_id}"


def locked_case(connection: Connection, case_id: int) -> Any:
    """The case's row, locked for this write transaction (FOR UPDATE; SQLite's lock is whole)."""
    row = connection.execute(select(cases_table).where(_c.id == case_id).with_for_update()).first()
    if row is None:
        raise CaseNotFoundError(f"no case {case_id}")
    return row


def check_step(row: Any, step: str) -> None:
    """Refuse a step the case's state does not allow, naming both."""
    allowed, _ = STEPS[step]
    if row.state not in allowed:
        raise CaseStateError(
            f"case {row.id} is {row.state}: cannot {step} (only from {', '.join(allowed)})"
        )


def record_event(
    connection: Connection,
    *,
    case_id: int,
    actor: str,
    kind: str,
    from_state: str | None,
    to_state: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event to the case's history and one entry to the audit chain."""
    at = utcnow()
    connection.execute(
        insert(case_events_table).values(
            case_id=case_id,
            at=at,
            actor=actor,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            details=details,
        )
    )
    append_audit_in(
        connection,
        actor=actor,
        action=f"case.{kind}",
        target=case_target(case_id),
        details={"from": from_state, "to": to_state, **(details or {})},
    )


def move_case(
    connection: Connection,
    row: Any,
    *,
    step: str,
    actor: str,
    to_state: str | None = None,
    details: dict[str, Any] | None = None,
    **values: Any,
) -> str:
    """Take ``step`` on a locked case: check it, set the new state and ``values``, record it."""
    check_step(row, step)
    target = to_state or STEPS[step][1] or row.state
    now = utcnow()
    connection.execute(
        update(cases_table).where(_c.id == row.id).values(state=target, updated_at=now, **values)
    )
    record_event(
        connection,
        case_id=row.id,
        actor=actor,
        kind=step,
        from_state=row.state,
        to_state=target,
        details=details,
    )
    return target

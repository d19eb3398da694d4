"""What the webhooks say: each event's payload, built inside the transaction of the change
(the case, its actions with legal ground and statement of reasons, each account's reasons)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from risk.cases.webhooks import enqueue_in
from risk.store.schema import actions_table, appeals_table, cases_table, scores_table

MAX_REASONS = 4  # the principal reasons (stable codes: the registry's feature names)
_c, _x, _s = cases_table.c, actions_table.c, scores_table.c


def _case(connection: Connection, case_id: int) -> dict[str, Any]:
    row = connection.execute(select(cases_table).where(_c.id == case_id)).one()
    keys = ("id", "unit_kind", "unit_id", "network_id", "region", "state", "priority")
    return {key: row._mapping[key] for key in keys}


def _reasons(connection: Connection, run_id: str | None, account_id: str | None) -> list[str]:
    """The codes of the account's principal reasons in the case's latest run."""
    if run_id is None or account_id is None:
        return []
    stored = connection.execute(
        select(_s.reasons).where((_s.run_id == run_id) & (_s.account_id == account_id))
    ).scalar()
    return [reason["feature"] for reason in (stored or [])[:MAX_REASONS]]


def _actions(connection: Connection, proposal_id: int, case_run: str | None) -> list[Any]:
    rows = connection.execute(
        select(actions_table).where(_x.proposal_id == proposal_id).order_by(_x.id)
    )
    return [
        {
            "action_id": row.id,
            "account_id": row.account_id,
            "scope": row.scope,
            "action": row.action,
            "ground_kind": row.ground_kind,
            "legal_ground": row.legal_ground,
            "statement_of_reasons": row.statement,
            "decided_by": row.decided_by,
            "approved_by": row.approved_by,
            "taken_at": row.taken_at.isoformat(),
            "reasons": _reasons(connection, case_run, row.account_id),
        }
        for row in rows
    ]


def case_opened(connection: Connection, case_id: int) -> None:
    """``case.opened``: the case as it opened."""
    enqueue_in(connection, "case.opened", {"case": _case(connection, case_id)})


def case_decided(connection: Connection, case_id: int, proposal_id: int, approved: bool) -> None:
    """``case.decided``, and ``action.approved`` when a lead approved the actions."""
    case = _case(connection, case_id)
    run_id = connection.execute(select(_c.run_id).where(_c.id == case_id)).scalar()
    actions = _actions(connection, proposal_id, run_id)
    payload = {"case": case, "proposal_id": proposal_id, "actions": actions}
    enqueue_in(connection, "case.decided", payload)
    if approved:
        enqueue_in(connection, "action.approved", payload)


def appeal_decided(connection: Connection, appeal_id: int) -> None:
    """``appeal.decided``: upheld or overturned (an overturn reversed the action)."""
    p = appeals_table.c
    row = connection.execute(select(appeals_table).where(p.id == appeal_id)).one()
    payload = {
        "case": _case(connection, row.case_id),
        "appeal": {
            "appeal_id": row.id,
            "action_id": row.action_id,
            "outcome": row.outcome,
            "reasons": row.reasons,
            "decided_at": row.decided_at.isoformat(),
            "action_reversed": row.outcome == "overturn",
        },
    }
    enqueue_in(connection, "appeal.decided", payload)

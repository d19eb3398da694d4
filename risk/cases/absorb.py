"""A network case absorbs the open branch cases of its network.

A branch case is opened while a scheme's flagged accounts all lie in one top-level branch
(``risk.cases.branches``). When the scheme spreads, the nightly run judges the whole network
and opens a network case holding those accounts too: the branch case would stay open beside it,
and two moderators would review the same people. So the branch case is closed with a reference
to the network case (``absorb``: its history and the audit chain say ``absorbed_into``; the
network case's history names it), the network case takes the branch's accounts it lacks (a
branch case holds every band of the branch, a network case bands medium up), and whoever was
reviewing the branch gets the network case. A branch
case already past review (awaiting approval, decided, appealed) is left as it is: its proposal,
actions and appeals stand, and its assignee or a lead closes it as any decided case.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from risk.cases.branches import BRANCH
from risk.cases.history import STEPS, locked_case, move_case, record_event
from risk.store.schema import case_accounts_table, cases_table
from risk.store.types import utcnow

_c, _a = cases_table.c, case_accounts_table.c
_CARRIED = ("account_id", "run_id", "tier", "band", "score", "role")


def _take_accounts(connection: Connection, *, source: int, into: int) -> int:
    """Add to case ``into`` the accounts of case ``source`` it does not hold; how many."""
    held = select(_a.account_id).where(_a.case_id == into)
    rows = connection.execute(
        select(*(_a[name] for name in _CARRIED)).where(
            (_a.case_id == source) & _a.account_id.not_in(held)
        )
    ).all()
    if rows:
        now = utcnow()
        connection.execute(
            insert(case_accounts_table),
            [{**row._asdict(), "case_id": into, "added_at": now} for row in rows],
        )
    return len(rows)


def absorb_branch_cases(
    connection: Connection, *, network_id: str, into: int, actor: str
) -> list[int]:
    """Close the network's branch cases still open or in review into case ``into`` (the
    network's new case); the ids closed."""
    absorbable, _ = STEPS["absorb"]
    rows = connection.execute(
        select(cases_table)
        .where(
            (_c.unit_kind == BRANCH)
            & (_c.network_id == network_id)
            & _c.state.in_(absorbable)
            & (_c.id != into)
        )
        .order_by(_c.id)
        .with_for_update()
    ).all()
    for row in rows:
        move_case(
            connection,
            row,
            step="absorb",
            actor=actor,
            details={"absorbed_into": into},
            closed_at=utcnow(),
        )
        taken = _take_accounts(connection, source=int(row.id), into=into)
        network_case = locked_case(connection, into)
        record_event(
            connection,
            case_id=into,
            actor=actor,
            kind="absorbed",
            from_state=network_case.state,
            to_state=network_case.state,
            details={"absorbed_case": int(row.id), "unit_id": row.unit_id, "accounts_added": taken},
        )
        if row.assignee is not None and network_case.assignee is None:
            # the moderator who was reviewing the branch goes on with the whole network
            move_case(
                connection,
                network_case,
                step="reassign",
                actor=actor,
                details={"assignee_was": None, "assignee": row.assignee, "from_case": row.id},
                assignee=row.assignee,
                assigned_at=utcnow(),
            )
    return [int(row.id) for row in rows]

"""The figures case work gives a regulator (DSA Art. 15(1)(c)/(d) transparency items): actions
by type and ground, how decisions were reached, time from flag to action, SLA breaches and
appeals. Read from the case tables for a period [since, until)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, select

from risk.cases.opening import NIGHTLY_RUN
from risk.cases.reading import overdue_clause
from risk.cases.sla import is_overdue
from risk.store.db import read_transaction
from risk.store.schema import actions_table, appeals_table, cases_table, qa_table
from risk.store.types import utcnow
from risk.vocab import CASE_PRIORITIES

_x, _p, _c = actions_table.c, appeals_table.c, cases_table.c


def _within(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    clauses = []
    if since is not None:
        clauses.append(column >= since)
    if until is not None:
        clauses.append(column < until)
    return clauses


def _median_hours(spans: Sequence[float]) -> float | None:
    return None if not spans else round(statistics.median(spans) / 3600.0, 2)


def _actions(rows: Sequence[Any]) -> dict[str, Any]:
    by_pair = Counter((row.action, row.ground_kind) for row in rows)
    return {
        "total": len(rows),
        "by_type": dict(sorted(Counter(row.action for row in rows).items())),
        "by_ground": dict(sorted(Counter(row.ground_kind for row in rows).items())),
        "by_type_and_ground": [
            {"action": action, "ground_kind": ground, "count": count}
            for (action, ground), count in sorted(by_pair.items())
        ],
        "network_wide": sum(1 for row in rows if row.scope == "network"),
        "approved_by_second_reviewer": sum(1 for row in rows if row.approved_by is not None),
        "median_hours_flag_to_action": _median_hours(
            [(row.taken_at - row.flagged_at).total_seconds() for row in rows]
        ),
    }


def _decided(cases: Sequence[Any]) -> dict[str, Any]:
    """How the period's decided cases were reached: detection automated or by hand; every
    decision taken by people (no decision here is automated)."""
    return {
        "cases_decided": len(cases),
        "detected_by_automated_means": sum(1 for c in cases if c.opened_by == NIGHTLY_RUN),
        "opened_by_a_moderator": sum(1 for c in cases if c.opened_by != NIGHTLY_RUN),
        "decided_by_automated_means": 0,
        "decided_by_people": len(cases),
    }


def _sla(cases: Sequence[Any], now: datetime) -> dict[str, Any]:
    """Cases due in the period and how many missed their due time, per priority."""
    per: dict[str, dict[str, int]] = {p: {"due": 0, "breached": 0} for p in CASE_PRIORITIES}
    for case in cases:
        slot = per.setdefault(case.priority, {"due": 0, "breached": 0})
        slot["due"] += 1
        slot["breached"] += int(is_overdue(case.due_at, case.decided_at, now))
    return {
        "cases_due": sum(s["due"] for s in per.values()),
        "breaches": sum(s["breached"] for s in per.values()),
        "by_priority": per,
    }


def _appeals(rows: Sequence[Any]) -> dict[str, Any]:
    decided = [row for row in rows if row.outcome is not None]
    return {
        "received": len(rows),
        "upheld": sum(1 for row in decided if row.outcome == "uphold"),
        "overturned": sum(1 for row in decided if row.outcome == "overturn"),
        "pending": len(rows) - len(decided),
        "median_hours_to_decide": _median_hours(
            [(row.decided_at - row.filed_at).total_seconds() for row in decided]
        ),
    }


def _agreement(rows: Sequence[Any]) -> dict[str, Any]:
    """Blind QA reviews of the period: accounts compared and the share decided alike."""
    compared = sum(int(row.compared or 0) for row in rows)
    agreed = sum(int(row.agreed or 0) for row in rows)
    return {
        "reviews": len(rows),
        "accounts_compared": compared,
        "agreement": round(agreed / compared, 4) if compared else None,
    }


def case_work_figures(
    engine: Engine, *, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    """Every case-work figure of the period (actions taken, appeals filed, cases decided or
    due in it)."""
    now = utcnow()
    with read_transaction(engine) as connection:
        actions = connection.execute(
            select(actions_table).where(*_within(_x.taken_at, since, until))
        ).all()
        appeals = connection.execute(
            select(appeals_table).where(*_within(_p.filed_at, since, until))
        ).all()
        decided = connection.execute(
            select(cases_table).where(
                _c.decided_at.is_not(None), *_within(_c.decided_at, since, until)
            )
        ).all()
        qa_rows = connection.execute(
            select(qa_table).where(
                qa_table.c.reviewed_at.is_not(None), *_within(qa_table.c.reviewed_at, since, until)
            )
        ).all()
        due = connection.execute(
            select(cases_table).where(*_within(_c.due_at, since, until or now))
        ).all()
    return {
        "actions": _actions(actions),
        "decisions": _decided(decided),
        "sla": _sla(due, now),
        "appeals": _appeals(appeals),
        "reviewer_agreement": _agreement(qa_rows),
    }


def sla_breaches(engine: Engine) -> dict[str, dict[str, int]]:
    """Per priority, every case that missed its due time so far (``breached``: decided late or
    still waiting past it, the report's rule) and those still waiting past it (``overdue``)."""
    now = utcnow()
    waiting = and_(_c.decided_at.is_(None), _c.state != "closed", _c.due_at < now)
    query = select(
        _c.priority,
        func.count().filter(overdue_clause(now)),
        func.count().filter(waiting),
    ).group_by(_c.priority)
    counts: dict[str, dict[str, int]] = {p: {"breached": 0, "overdue": 0} for p in CASE_PRIORITIES}
    with read_transaction(engine) as connection:
        for priority, breached, overdue in connection.execute(query):
            counts[priority] = {"breached": int(breached), "overdue": int(overdue)}
    return counts


def actions_for_statements(
    engine: Engine, *, since: datetime | None, until: datetime | None
) -> list[dict[str, Any]]:
    """The period's actions with their case's unit and how it was detected (statements)."""
    query = (
        select(
            actions_table,
            _c.unit_kind,
            _c.unit_id,
            _c.opened_by,
            _c.opened_at,
        )
        .join(cases_table, _c.id == _x.case_id)
        .where(*_within(_x.taken_at, since, until))
        .order_by(_x.id)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]

"""Reading cases: a filtered page in work order (overdue first, then priority, then due time),
and one case with its accounts, history, proposals, actions and appeals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, exists, func, select

from risk.cases.errors import CaseNotFoundError
from risk.cases.records import (
    ActionRecord,
    AppealRecord,
    CaseAccountRecord,
    CaseDetail,
    CaseEventRecord,
    CasePage,
    CaseRecord,
    ProposalRecord,
)
from risk.store.db import read_transaction
from risk.store.run_values import read_values_frame
from risk.store.schema import (
    actions_table,
    appeals_table,
    case_accounts_table,
    case_events_table,
    case_proposals_table,
    cases_table,
    runs_table,
    scores_table,
)
from risk.store.types import utcnow

_c, _a = cases_table.c, case_accounts_table.c


@dataclass(frozen=True)
class CaseQuery:
    """The filters of the case list and the page."""

    state: str | None = None
    priority: str | None = None
    assignee: str | None = None
    band: str | None = None
    region: str | None = None
    overdue: bool | None = None
    limit: int = 50
    offset: int = 0


def overdue_clause(now: datetime) -> Any:
    """Not decided by the due time: still waiting past it, or decided after it."""
    return func.coalesce(_c.decided_at, now) > _c.due_at


def work_order(now: datetime) -> list[Any]:
    """Overdue cases first, then by priority, due time and age (the claim order too)."""
    late = case((and_(_c.decided_at.is_(None), _c.due_at < now), 0), else_=1)
    return [late, _c.priority_rank, _c.due_at, _c.id]


def _where(query: CaseQuery, now: datetime) -> list[Any]:
    """The SQL conditions of the filters given."""
    clauses: list[Any] = []
    for column, value in (
        (_c.state, query.state),
        (_c.priority, query.priority),
        (_c.assignee, query.assignee),
        (_c.region, query.region),
    ):
        if value is not None:
            clauses.append(column == value)
    if query.band is not None:
        clauses.append(exists().where((_a.case_id == _c.id) & (_a.band == query.band)))
    if query.overdue is not None:
        late = overdue_clause(now)
        clauses.append(late if query.overdue else ~late)
    return clauses


def _account_counts() -> Any:
    """Accounts per case, as a correlated scalar."""
    return select(func.count()).where(_a.case_id == _c.id).scalar_subquery().label("accounts")


def list_cases(engine: Engine, query: CaseQuery) -> CasePage:
    """One page of cases matching the filters, in work order, and the total."""
    now = utcnow()
    where = _where(query, now)
    page = (
        select(cases_table, _account_counts())
        .where(*where)
        .order_by(*work_order(now))
        .limit(query.limit)
        .offset(query.offset)
    )
    with read_transaction(engine) as connection:
        total = connection.execute(select(func.count()).select_from(cases_table).where(*where))
        count = int(total.scalar_one())
        rows = connection.execute(page).all()
    items = [CaseRecord.read(row, now=now, accounts=row.accounts) for row in rows]
    return CasePage(items=items, total=count, limit=query.limit, offset=query.offset)


def case_record_in(connection: Connection, case_id: int) -> CaseRecord:
    """One case's record inside a caller's transaction."""
    row = connection.execute(select(cases_table, _account_counts()).where(_c.id == case_id)).first()
    if row is None:
        raise CaseNotFoundError(f"no case {case_id}")
    return CaseRecord.read(row, now=utcnow(), accounts=row.accounts)


def _reversed_actions(connection: Connection, case_id: int) -> set[int]:
    """Ids of the case's actions an appeal overturned."""
    p = appeals_table.c
    query = select(p.action_id).where((p.case_id == case_id) & (p.outcome == "overturn"))
    return {int(row[0]) for row in connection.execute(query)}


def get_case(engine: Engine, case_id: int) -> CaseDetail:
    """The case and everything recorded about it, from one snapshot."""
    with read_transaction(engine) as connection:
        record = case_record_in(connection, case_id)
        accounts = connection.execute(
            select(case_accounts_table)
            .where(_a.case_id == case_id)
            .order_by(_a.score.desc(), _a.account_id)
        ).all()
        e, p, x, ap = (
            case_events_table.c,
            case_proposals_table.c,
            actions_table.c,
            appeals_table.c,
        )
        events = connection.execute(
            select(case_events_table).where(e.case_id == case_id).order_by(e.id)
        ).all()
        proposals = connection.execute(
            select(case_proposals_table).where(p.case_id == case_id).order_by(p.id)
        ).all()
        actions = connection.execute(
            select(actions_table).where(x.case_id == case_id).order_by(x.id)
        ).all()
        appeals = connection.execute(
            select(appeals_table).where(ap.case_id == case_id).order_by(ap.id)
        ).all()
        reversed_ids = _reversed_actions(connection, case_id)
    return CaseDetail(
        case=record,
        accounts=[CaseAccountRecord.from_row(row) for row in accounts],
        events=[CaseEventRecord.from_row(row) for row in events],
        proposals=[ProposalRecord.from_row(row) for row in proposals],
        actions=[
            ActionRecord(
                **dict(row._mapping),
                reversed=row.id in reversed_ids,
            )
            for row in actions
        ],
        appeals=[AppealRecord.from_row(row) for row in appeals],
    )


@dataclass(frozen=True)
class TimelinePoint:
    """An account of a case on the recruitment timeline: when it joined, at which tier."""

    account_id: str
    tier: int | None
    band: str
    joined_days_ago: float | None
    recruits_30d: float | None


def case_roles(engine: Engine, case_id: int) -> dict[str, str | None]:
    """Each account of the case and its likely role (the decision form's expansion)."""
    query = select(case_accounts_table.c.account_id, case_accounts_table.c.role).where(
        case_accounts_table.c.case_id == case_id
    )
    with read_transaction(engine) as connection:
        return {
            str(a): r
            for a, r in connection.execute(query.order_by(case_accounts_table.c.account_id))
        }


def case_timeline(engine: Engine, case_id: int, *, limit: int = 2_000) -> list[TimelinePoint]:
    """The case's accounts (riskiest first, at most ``limit``) with their join age and recent
    recruits, as the case's latest run scored them."""
    s = scores_table.c
    query = (
        select(_a.account_id, s.tier, s.band, s.features, runs_table.c.values_file)
        .join(cases_table, _c.id == _a.case_id)
        .join(runs_table, runs_table.c.id == _c.run_id)
        .join(scores_table, (s.run_id == _c.run_id) & (s.account_id == _a.account_id))
        .where(_a.case_id == case_id)
        .order_by(s.score.desc(), _a.account_id)
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    values = _timeline_values(rows)
    return [
        TimelinePoint(
            account_id=row.account_id,
            tier=row.tier,
            band=row.band,
            joined_days_ago=_number(values.get(row.account_id, {}).get("account_age_days")),
            recruits_30d=_number(values.get(row.account_id, {}).get("recruits_30d")),
        )
        for row in rows
    ]


_TIMELINE_FEATURES = ("account_age_days", "recruits_30d")


def _timeline_values(rows: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The timeline's feature values by account: from the run's values file, or from the row
    (runs published before the values files)."""
    if not rows or rows[0].values_file is None:
        return {row.account_id: dict(row.features or {}) for row in rows}
    frame = read_values_frame(
        Path(rows[0].values_file), [row.account_id for row in rows], _TIMELINE_FEATURES
    )
    frame = frame.astype(object).where(frame.notna(), None)
    return {str(k): v for k, v in frame.to_dict(orient="index").items()}


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None

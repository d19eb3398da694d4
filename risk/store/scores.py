"""Reading scores: the latest PUBLISHED run unless a run id is given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, exists, func, select

from risk.errors import RunNotFoundError, StoreInputError
from risk.store.audit import append_audit_in
from risk.store.bulk import SCORE_COLUMNS
from risk.store.db import read_transaction, write_transaction
from risk.store.records import QueueKey, QueuePage, ScoreRecord
from risk.store.run_values import read_account_values
from risk.store.runs import latest_published_id_query, latest_published_in
from risk.store.schema import decisions_table, runs_table, scores_table
from risk.vocab import BAND_NAMES, DECISION_STATUSES, FLAGGED_BANDS, MAX_OFFSET, SCHEME_ROLES

MAX_PAGE = 1000  # rows in one page of a list (queue, networks)
_s = scores_table.c
_d = decisions_table.c


def check_page(limit: int, offset: int) -> None:
    """Refuse a page outside 1-MAX_PAGE rows or before the first row."""
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= MAX_OFFSET:
        raise StoreInputError(f"limit must be 1-{MAX_PAGE} and offset 0-{MAX_OFFSET}")


def resolve_run_id(connection: Connection, run_id: str | None) -> str | None:
    """The given run (must exist) or the latest published one (None if nothing published)."""
    if run_id is None:
        latest = latest_published_in(connection)
        return None if latest is None else latest.id
    found = connection.execute(select(runs_table.c.id).where(runs_table.c.id == run_id)).scalar()
    if found is None:
        raise RunNotFoundError(f"no scoring run {run_id!r}")
    return run_id


def latest_decisions(connection: Connection, account_ids: Sequence[str]) -> dict[str, Any]:
    """Each account's most recent decision row (any run), for the accounts given."""
    if not account_ids:
        return {}
    rows = connection.execute(
        select(_d.account_id, _d.decision, _d.created_at)
        .where(_d.account_id.in_(list(account_ids)))
        .order_by(_d.account_id, _d.created_at, _d.id)
    ).all()
    # Ascending order: the last row seen per account is its latest decision.
    return {row.account_id: row for row in rows}


def _with_decisions(connection: Connection, rows: Sequence[Any]) -> list[ScoreRecord]:
    """Score records with their account's latest decision attached."""
    latest = latest_decisions(connection, [row.account_id for row in rows])
    records = []
    for row in rows:
        decided = latest.get(row.account_id)
        records.append(
            ScoreRecord(
                **{name: getattr(row, name) for name in ("run_id", *SCORE_COLUMNS)},
                decision=None if decided is None else decided.decision,
                decided_at=None if decided is None else decided.created_at,
            )
        )
    return records


def _latest_decision_of(column: Any) -> Any:
    """The account's most recent decision's ``column`` (correlated with the score row)."""
    return (
        select(column)
        .where(_d.account_id == _s.account_id)
        .order_by(_d.created_at.desc(), _d.id.desc())
        .limit(1)
        .scalar_subquery()
    )


# One statement per lookup: the score in the run given (or the latest published run, resolved
# in the same statement) with the account's latest decision. Built once: only parameters vary.
_SCORE_WITH_DECISION = select(
    scores_table,
    _latest_decision_of(_d.decision).label("decision"),
    _latest_decision_of(_d.created_at).label("decided_at"),
    select(runs_table.c.values_file)
    .where(runs_table.c.id == _s.run_id)
    .scalar_subquery()
    .label("values_file"),
).where(_s.account_id == bindparam("account_id"))
_LATEST_SCORE = _SCORE_WITH_DECISION.where(_s.run_id == latest_published_id_query())
_RUN_SCORE = _SCORE_WITH_DECISION.where(_s.run_id == bindparam("run_id"))


def account_score_in(
    connection: Connection, account_id: str, run_id: str | None = None
) -> ScoreRecord | None:
    """``get_account_score`` inside a caller's transaction (one statement for the latest run)."""
    if run_id is None:
        row = connection.execute(_LATEST_SCORE, {"account_id": account_id}).first()
    else:
        resolve_run_id(connection, run_id)
        row = connection.execute(_RUN_SCORE, {"account_id": account_id, "run_id": run_id}).first()
    return None if row is None else with_run_values(ScoreRecord.from_row(row), row.values_file)


def with_run_values(record: ScoreRecord, values_file: str | None) -> ScoreRecord:
    """The record with its feature values and percentiles from the run's values file (runs
    published before revision 0009 carry them in the row itself)."""
    if values_file is None or record.features is not None:
        return record
    found = read_account_values(Path(values_file), record.account_id)
    if found is None:
        return record
    features, percentiles = found
    return replace(record, features=features, percentiles=percentiles)


def get_account_score(
    engine: Engine, account_id: str, run_id: str | None = None
) -> ScoreRecord | None:
    """One account's score in the latest published run (or the run given); None if unscored."""
    with read_transaction(engine) as connection:
        return account_score_in(connection, account_id, run_id)


def _queue_filter(
    run_id: str,
    *,
    bands: Sequence[str] | None,
    region: str | None,
    network_id: str | None,
    decision_status: str,
    roles: Sequence[str] | None = None,
    head: QueueHead | None = None,
    exclude: Sequence[str] = (),
) -> Any:
    """The WHERE clause of a review-queue query; ``head``: keep only the accounts of the
    queue's head (``inside``) or only the others; ``exclude``: accounts listed elsewhere."""
    clause = _s.run_id == run_id
    if head is not None:
        in_head = func.coalesce(_s.role, "").in_(list(head.roles)) | _s.band.in_(list(head.bands))
        clause &= in_head if head.inside else ~in_head
    if exclude:
        clause &= _s.account_id.not_in(list(exclude))
    if bands:
        unknown = sorted(set(bands) - set(BAND_NAMES))
        if unknown:
            raise StoreInputError(
                f"unknown band(s) {', '.join(unknown)}; use {', '.join(BAND_NAMES)}"
            )
        clause &= _s.band.in_(list(bands))
    if region is not None:
        clause &= _s.region == region
    if network_id is not None:
        clause &= _s.network_id == network_id
    if roles:
        unknown = sorted(set(roles) - set(SCHEME_ROLES))
        if unknown:
            raise StoreInputError(
                f"unknown role(s) {', '.join(unknown)}; use {', '.join(SCHEME_ROLES)}"
            )
        clause &= _s.role.in_(list(roles))
    decided = exists().where(_d.account_id == _s.account_id)
    if decision_status == "pending":
        clause &= ~decided
    elif decision_status == "decided":
        clause &= decided
    elif decision_status != "all":
        raise StoreInputError(
            f"unknown decision_status {decision_status!r}; use {', '.join(DECISION_STATUSES)}"
        )
    return clause


def review_queue(
    engine: Engine,
    *,
    bands: Sequence[str] | None = None,
    region: str | None = None,
    network_id: str | None = None,
    decision_status: str = "pending",
    roles: Sequence[str] | None = None,
    limit: int = 50,
    offset: int = 0,
    run_id: str | None = None,
    head: QueueHead | None = None,
    exclude: Sequence[str] = (),
) -> QueuePage:
    """Accounts to review, riskiest first (by rank); 'decided' = has any decision on record;
    ``roles`` keeps accounts whose likely scheme role is one of them; ``head`` keeps the
    accounts inside (or outside) the queue's head; ``exclude`` leaves the accounts given out
    (the exploration picks the service places itself)."""
    check_page(limit, offset)
    with read_transaction(engine) as connection:
        resolved = resolve_run_id(connection, run_id)
        if resolved is None:
            return QueuePage(items=[], total=0, limit=limit, offset=offset, run_id="")
        clause = _queue_filter(
            resolved,
            bands=bands,
            region=region,
            network_id=network_id,
            decision_status=decision_status,
            roles=roles,
            head=head,
            exclude=exclude,
        )
        rows = connection.execute(
            select(scores_table)
            .where(clause)
            .order_by(_s.rank, _s.account_id)
            .limit(limit)
            .offset(offset)
        ).all()
        total = connection.execute(
            select(func.count()).select_from(scores_table).where(clause)
        ).scalar_one()
        items = _with_decisions(connection, rows)
    return QueuePage(items=items, total=total, limit=limit, offset=offset, run_id=resolved)


@dataclass(frozen=True)
class QueueHead:
    """The head of a queue: accounts whose likely role is one of ``roles`` or whose band is
    one of ``bands`` (``inside``), or all the others (``inside=False``)."""

    roles: tuple[str, ...]
    bands: tuple[str, ...]
    inside: bool = True

    def outside(self) -> QueueHead:
        return QueueHead(self.roles, self.bands, inside=False)


def queue_keys(
    engine: Engine,
    *,
    bands: Sequence[str] | None = None,
    region: str | None = None,
    network_id: str | None = None,
    decision_status: str = "pending",
    roles: Sequence[str] | None = None,
    run_id: str | None = None,
    head: QueueHead,
    exclude: Sequence[str] = (),
) -> tuple[str, list[QueueKey]]:
    """The run (latest published unless given; "" when none) and, for every account the
    filters and ``head`` keep, what the queue's default order reads (by rank)."""
    with read_transaction(engine) as connection:
        resolved = resolve_run_id(connection, run_id)
        if resolved is None:
            return "", []
        clause = _queue_filter(
            resolved,
            bands=bands,
            region=region,
            network_id=network_id,
            decision_status=decision_status,
            roles=roles,
            head=head,
            exclude=exclude,
        )
        names = [field.name for field in fields(QueueKey)]
        rows = connection.execute(
            select(*[_s[name] for name in names]).where(clause).order_by(_s.rank, _s.account_id)
        ).all()
    return resolved, [QueueKey(*row) for row in rows]


def queue_rows(engine: Engine, run_id: str, account_ids: Sequence[str]) -> list[ScoreRecord]:
    """The run's score rows of ``account_ids``, in that order, with their latest decisions."""
    if not account_ids:
        return []
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(scores_table).where((_s.run_id == run_id) & _s.account_id.in_(list(account_ids)))
        ).all()
        by_id = {record.account_id: record for record in _with_decisions(connection, rows)}
    return [by_id[account_id] for account_id in account_ids if account_id in by_id]


def flagged_pending(engine: Engine, run_id: str) -> int:
    """How many accounts of the run are flagged (high, critical) with no decision on record."""
    clause = _queue_filter(
        run_id,
        bands=FLAGGED_BANDS,
        region=None,
        network_id=None,
        decision_status="pending",
    )
    with read_transaction(engine) as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(scores_table).where(clause)
            ).scalar_one()
        )


def network_scores(engine: Engine, network_id: str, run_id: str | None = None) -> list[ScoreRecord]:
    """Every scored account of one network in the run, riskiest first."""
    with read_transaction(engine) as connection:
        resolved = resolve_run_id(connection, run_id)
        if resolved is None:
            return []
        rows = connection.execute(
            select(scores_table)
            .where((_s.run_id == resolved) & (_s.network_id == network_id))
            .order_by(_s.rank, _s.account_id)
        ).all()
        return _with_decisions(connection, rows)


def scores_frame(engine: Engine, run_id: str) -> pd.DataFrame:
    """All scores of a run as a DataFrame (JSON columns as Python lists/dicts), by rank."""
    with read_transaction(engine) as connection:
        resolve_run_id(connection, run_id)
        rows = connection.execute(
            select(*[_s[name] for name in SCORE_COLUMNS])
            .where(_s.run_id == run_id)
            .order_by(_s.rank, _s.account_id)
        ).all()
    frame = pd.DataFrame.from_records(rows, columns=list(SCORE_COLUMNS))
    frame.insert(0, "run_id", run_id)
    return frame


def audited_score_in(
    connection: Connection,
    account_id: str,
    *,
    actor: str,
    action: str,
    details: Callable[[ScoreRecord | None], dict[str, Any]],
) -> ScoreRecord | None:
    """The account's latest published score, the read appended to the audit log as ``action``
    (the run read, and ``details`` of the record) in the caller's write transaction."""
    record = account_score_in(connection, account_id)
    run = {"run_id": None if record is None else record.run_id}
    append_audit_in(
        connection, actor=actor, action=action, target=account_id, details=run | details(record)
    )
    return record


def _found(record: ScoreRecord | None) -> dict[str, Any]:
    return {"found": record is not None}


def view_account_in(connection: Connection, account_id: str, *, actor: str) -> ScoreRecord | None:
    """The account's latest published score, the view audited (caller's write transaction)."""
    return audited_score_in(
        connection, account_id, actor=actor, action="account.view", details=_found
    )


def view_account(engine: Engine, account_id: str, *, actor: str) -> ScoreRecord | None:
    """An account's score, with the view written to the audit log in the same transaction."""
    with write_transaction(engine) as connection:
        return view_account_in(connection, account_id, actor=actor)

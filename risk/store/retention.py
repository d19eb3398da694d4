"""Retention of scoring runs: prune the bulk of old runs, keep what their reports need.

Policy. The newest ``keep_last`` published runs are kept whole (the latest published run
always is) and, when ``older_than`` is given, so is every run published less than that long
ago. From an older published run, prune deletes the score rows at band low of accounts with
no decision on record (most of a run); it keeps every account the run explained (medium and
above, with reasons, indicators and features) and every account a moderator decided on. The
run's record (model, as_of, counts, fingerprint, drift) stays, with exact tallies of the rows
removed (``DroppedRows``), so its report shows the same figures. Decisions and the audit log
are append-only and never touched.

Safety. Rows go in chunks, each in its own transaction together with its tallies: a report is
exact at any moment, and writers wait one chunk at most. ``pruned_at`` and the audit entry are
written by the transaction that finds nothing left to remove, so the next prune finishes an
interrupted one. A run still ``running`` ``stale_after`` after it started is presumed crashed:
it is marked failed (were its process alive, its next write fails cleanly) and its rows go.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, select, update

from risk.errors import StoreConflictError, StoreInputError
from risk.store.audit import append_audit_in
from risk.store.db import read_transaction, write_transaction
from risk.store.records import RunRecord
from risk.store.retention_tallies import DroppedRows
from risk.store.run_digest import run_content_digest
from risk.store.run_values import keep_accounts, remove_values, values_file_of, values_path
from risk.store.runs import latest_published_id_query, runs_with_status_in
from risk.store.schema import decisions_table, runs_table, scores_table
from risk.store.types import utcnow

DROPPED_BANDS = ("low",)
STALE_AFTER = timedelta(hours=24)
# ~5,000 rows of ~6 KB: a fraction of a second per transaction on SQLite (see bench_prune.py).
_CHUNK_ROWS = 5_000
_s, _runs = scores_table.c, runs_table.c


@dataclass(frozen=True)
class RetentionPolicy:
    """Which runs prune may touch (see the module docstring)."""

    keep_last: int
    older_than: timedelta | None = None
    stale_after: timedelta = STALE_AFTER

    def __post_init__(self) -> None:
        if self.keep_last < 1:
            raise StoreInputError(
                f"keep_last is {self.keep_last}; it must be at least 1 "
                "(the latest published run is never pruned)"
            )
        if self.older_than is not None and self.older_than < timedelta(0):
            raise StoreInputError(f"older_than is negative ({self.older_than})")
        if self.stale_after <= timedelta(0):
            raise StoreInputError(f"stale_after must be positive, got {self.stale_after}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (in the CLI output and the audit entries)."""
        days = None if self.older_than is None else self.older_than / timedelta(days=1)
        return {
            "keep_last": self.keep_last,
            "older_than_days": days,
            "stale_after_hours": self.stale_after / timedelta(hours=1),
            "drops": "score rows at band low of accounts with no decision on record",
        }


@dataclass(frozen=True)
class RunAction:
    """What prune does (or would do) to one run: ``prune`` a published run, ``fail`` a
    crashed one and drop its rows, or ``drop`` the rows a failed run still holds."""

    run_id: str
    action: str
    status: str
    as_of: datetime
    model: str
    rows_dropped: int
    rows_kept: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {**asdict(self), "as_of": self.as_of.isoformat()}


@dataclass(frozen=True)
class PruneResult:
    """The runs prune touched (or would touch, on a dry run) and how long it took."""

    policy: RetentionPolicy
    dry_run: bool
    actions: list[RunAction]
    seconds: float

    @property
    def rows_dropped(self) -> int:
        """Score rows removed (or that would be) over all runs."""
        return sum(action.rows_dropped for action in self.actions)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the CLI's ``--json``)."""
        return {
            "dry_run": self.dry_run,
            "policy": self.policy.to_dict(),
            "runs": [action.to_dict() for action in self.actions],
            "rows_dropped": self.rows_dropped,
            "seconds": round(self.seconds, 3),
        }


def dropped_rows(engine: Engine, run: RunRecord) -> DroppedRows:
    """Tallies of the rows pruned from ``run``, read after its rows were (report exactness).

    Raises if a prune removed more rows since ``run`` was read: the rows read meanwhile may
    miss some that the tallies do not count yet.
    """
    with engine.connect() as connection:
        now = connection.execute(
            select(_runs.pruned_rows, _runs.pruned_tallies).where(_runs.id == run.id)
        ).one()
    if now.pruned_rows != run.pruned_rows:
        raise StoreConflictError(
            f"run {run.id} is being pruned right now; ask again once `risk runs prune` is done"
        )
    return DroppedRows.from_json(now.pruned_tallies)


def _droppable(run_id: str) -> Any:
    """The rows prune removes from a published run (the index on run, band, rank finds them)."""
    decided = exists().where(decisions_table.c.account_id == _s.account_id)
    return (_s.run_id == run_id) & _s.band.in_(DROPPED_BANDS) & ~decided


def _count(connection: Connection, clause: Any) -> int:
    """Score rows matching the clause."""
    query = select(func.count()).select_from(scores_table).where(clause)
    return int(connection.execute(query).scalar_one())


def _action(connection: Connection, run: RunRecord, action: str) -> RunAction:
    """The action with the run's rows counted (those it would drop and keep)."""
    rows = _count(connection, _s.run_id == run.id)
    dropped = _count(connection, _droppable(run.id)) if action == "prune" else rows
    model = f"{run.model_name}/{run.model_version}"
    return RunAction(run.id, action, run.status, run.as_of, model, dropped, rows - dropped)


def _over_policy(
    published: list[RunRecord], policy: RetentionPolicy, now: datetime
) -> list[RunRecord]:
    """Published runs that no rule keeps and that are not pruned yet, oldest first."""
    cutoff = None if policy.older_than is None else now - policy.older_than
    return [
        run
        for run in reversed(published[policy.keep_last :])
        if not run.pruned
        and (cutoff is None or (run.published_at is not None and run.published_at <= cutoff))
    ]


def plan_prune(
    engine: Engine, policy: RetentionPolicy, *, now: datetime | None = None
) -> list[RunAction]:
    """What prune would do now: crashed runs, failed runs left with rows, runs over the policy."""
    moment = now or utcnow()
    with read_transaction(engine) as connection:
        crashed = [
            _action(connection, run, "fail")
            for run in runs_with_status_in(connection, "running")
            if run.started_at <= moment - policy.stale_after
        ]
        # A failed run whose rows are all gone but which is unmarked: an interrupted drop.
        leftovers = [
            action
            for run in runs_with_status_in(connection, "failed")
            if (action := _action(connection, run, "drop")).rows_dropped
            or (run.pruned_rows is not None and not run.pruned)
        ]
        published = runs_with_status_in(connection, "published")
        pruned = [
            _action(connection, run, "prune") for run in _over_policy(published, policy, moment)
        ]
    return crashed + leftovers + pruned


def prune_runs(
    engine: Engine,
    policy: RetentionPolicy,
    *,
    dry_run: bool = False,
    actor: str = "cli",
    now: datetime | None = None,
) -> PruneResult:
    """Carry out (or, on a dry run, only show) what ``plan_prune`` finds, one run at a time."""
    started = time.perf_counter()
    planned = plan_prune(engine, policy, now=now)
    if not dry_run:
        planned = [_carry_out(engine, action, policy, actor) for action in planned]
    return PruneResult(policy, dry_run, planned, time.perf_counter() - started)


def _carry_out(engine: Engine, action: RunAction, policy: RetentionPolicy, actor: str) -> RunAction:
    """Remove the run's rows chunk by chunk; the last chunk's transaction marks the run."""
    if action.action == "fail":
        _mark_crashed(engine, action.run_id, policy, actor)
    networks = _networks_kept(engine, action.run_id) if action.action == "prune" else set()
    dropped = 0
    while removed := _remove_chunk(engine, action, networks, policy, actor):
        dropped += removed
    total = action.rows_dropped + action.rows_kept
    return replace(action, rows_dropped=dropped, rows_kept=max(total - dropped, 0))


def _networks_kept(engine: Engine, run_id: str) -> set[str]:
    """Networks with rows prune keeps: the only ones whose tiers a report can chart."""
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(_s.network_id)
            .distinct()
            .where((_s.run_id == run_id) & _s.band.not_in(DROPPED_BANDS))
            .where(_s.network_id.is_not(None))
        )
        return {row.network_id for row in rows}


def _mark_crashed(engine: Engine, run_id: str, policy: RetentionPolicy, actor: str) -> None:
    """Mark a presumed-crashed run failed, unless it finished since it was planned."""
    with write_transaction(engine) as connection:
        run = _lock(connection, run_id)
        if run.status != "running":
            return
        hours = policy.stale_after / timedelta(hours=1)
        connection.execute(
            update(runs_table)
            .where(_runs.id == run_id)
            .values(
                status="failed",
                finished_at=utcnow(),
                error=f"presumed crashed: still running {hours:g} h after it started "
                "(marked failed by risk runs prune)",
            )
        )
        append_audit_in(
            connection,
            actor=actor,
            action="run.fail",
            target=run_id,
            details={"started_at": run.started_at.isoformat(), "stale_after_hours": hours},
        )


def _lock(connection: Connection, run_id: str) -> Any:
    """The run's row, locked until commit (PostgreSQL; SQLite's writer lock covers it)."""
    return connection.execute(
        select(
            _runs.status,
            _runs.started_at,
            _runs.pruned_at,
            _runs.pruned_rows,
            _runs.pruned_tallies,
        )
        .where(_runs.id == run_id)
        .with_for_update()
    ).one()


def _remove_chunk(
    engine: Engine, action: RunAction, networks: set[str], policy: RetentionPolicy, actor: str
) -> int:
    """One transaction: remove up to a chunk of rows, or mark the run when none is left."""
    expected = "published" if action.action == "prune" else "failed"
    with write_transaction(engine) as connection:
        run = _lock(connection, action.run_id)
        if run.pruned_at is not None or run.status != expected:
            return 0  # finished by another prune, or published after all: leave it
        if expected == "published":
            _refuse_latest(connection, action.run_id)
        ids, tallies = _next_chunk(connection, action.run_id, run, networks)
        if not ids:
            _finish(connection, action.run_id, run, policy, actor)
            return 0
        connection.execute(
            delete(scores_table).where((_s.run_id == action.run_id) & _s.account_id.in_(ids))
        )
        values: dict[str, Any] = {"pruned_rows": (run.pruned_rows or 0) + len(ids)}
        if tallies is not None:
            values["pruned_tallies"] = tallies.to_json()
        connection.execute(update(runs_table).where(_runs.id == action.run_id).values(**values))
        return len(ids)


def _next_chunk(
    connection: Connection, run_id: str, run: Any, networks: set[str]
) -> tuple[list[str], DroppedRows | None]:
    """The next rows to remove and, for a published run, the run's tallies including them."""
    if run.status != "published":
        query = select(_s.account_id).where(_s.run_id == run_id).limit(_CHUNK_ROWS)
        return list(connection.execute(query).scalars()), None
    rows = connection.execute(
        select(_s.account_id, _s.score, _s.region, _s.network_id, _s.tier)
        .where(_droppable(run_id))
        .order_by(_s.rank)
        .limit(_CHUNK_ROWS)
    ).all()
    tallies = DroppedRows.from_json(run.pruned_tallies) + DroppedRows.of_rows(rows, networks)
    return [row.account_id for row in rows], tallies


def _refuse_latest(connection: Connection, run_id: str) -> None:
    """The latest published run is what moderators see: it is never pruned."""
    if connection.execute(select(latest_published_id_query())).scalar() == run_id:
        raise StoreConflictError(f"run {run_id} is the latest published run: it is never pruned")


def _finish(
    connection: Connection, run_id: str, run: Any, policy: RetentionPolicy, actor: str
) -> None:
    """Mark the run pruned and audit what went (inside the chunk's transaction)."""
    dropped = run.pruned_rows or 0
    kept = _count(connection, _s.run_id == run_id)
    values_file = values_file_of(connection, run_id)
    if run.status != "published":
        # a crashed run's file was never recorded: it is where the run would have put it
        remove_values(values_path(connection.engine, run_id))
    elif values_file is not None:
        # the kept rows keep their feature values; the dropped ones' go with them
        kept_ids = connection.execute(select(_s.account_id).where(_s.run_id == run_id))
        keep_accounts(values_file, list(kept_ids.scalars()))
    connection.execute(
        update(runs_table).where(_runs.id == run_id).values(pruned_at=utcnow(), pruned_rows=dropped)
    )
    append_audit_in(
        connection,
        actor=actor,
        action="run.prune",
        target=run_id,
        details={
            "status": run.status,
            "rows_dropped": dropped,
            "rows_kept": kept,
            "policy": policy.to_dict(),
            **run_content_digest(connection, run_id).to_details(),
        },
    )

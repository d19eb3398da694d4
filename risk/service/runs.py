"""Scoring runs: listed, pruned, their records kept in memory once published, and readiness (a
run published, the store reachable, the champion loaded).

Published runs do not change, so their records are kept once read. (Pruning an old run sets its
retention fields, but never on the latest run, the only one the account views that use this
cache show.)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from features.errors import ServiceError
from risk.errors import RunNotFoundError
from risk.store import runs as store
from risk.store.records import RunRecord
from risk.store.retention import PruneResult as PruneResult  # the CLI prints it
from risk.store.retention import RetentionPolicy
from risk.store.retention import prune_runs as prune
from risk.store.runs import get_run, latest_published_run
from risk.store.vacuum import VacuumResult as VacuumResult  # the CLI prints it
from risk.store.vacuum import vacuum_store


class RunCache:
    """Run records by id; only published runs are kept (they never change again)."""

    def __init__(self) -> None:
        self._runs: dict[str, RunRecord] = {}

    def get(self, engine: Engine, run_id: str) -> RunRecord:
        """The run's record, read from the store at most once once it is published."""
        cached = self._runs.get(run_id)
        if cached is not None:
            return cached
        record = get_run(engine, run_id)
        if record is None:
            raise RunNotFoundError(f"no scoring run {run_id!r}")
        if record.status == "published":
            self._runs[run_id] = record
        return record


def readiness(
    *, engine: Engine, model_version: str | None, model_error: str | None
) -> dict[str, Any]:
    """Store reachable, a run published, the champion loaded; ``reasons`` says what is missing."""
    reasons: list[str] = []
    run_id = None
    store_ok = True
    try:
        run = latest_published_run(engine)
        if run is None:
            reasons.append("no scoring run is published yet: run `risk score`")
        else:
            run_id = run.id
    except (SQLAlchemyError, ServiceError) as error:
        store_ok = False
        reasons.append(f"store unreachable: {error}")
    if model_version is None:
        reasons.append(f"no model loaded: {model_error or 'unknown reason'}")
    return {
        "ready": not reasons,
        "store": store_ok,
        "model": model_version is not None,
        "model_version": model_version,
        "run_id": run_id,
        "reasons": reasons,
    }


def list_runs(*, engine: Engine, limit: int = 50) -> list[RunRecord]:
    """Scoring runs, newest first (published, running and failed; pruned ones say so)."""
    return store.list_runs(engine, limit=limit)


def prune_runs(
    *,
    engine: Engine,
    keep_last: int,
    older_than: timedelta | None,
    stale_after: timedelta,
    dry_run: bool,
    vacuum: bool,
) -> tuple[PruneResult, VacuumResult | None]:
    """Prune old runs under the retention policy (each run pruned is audited), then give the
    space back when ``vacuum`` is asked for."""
    policy = RetentionPolicy(keep_last=keep_last, older_than=older_than, stale_after=stale_after)
    result = prune(engine, policy, dry_run=dry_run)
    return result, vacuum_store(engine) if vacuum else None

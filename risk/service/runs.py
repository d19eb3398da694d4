"""Published runs do not change: keep their records in memory once read.

(Pruning an old run sets its retention fields, but never on the latest run, the only one the
account views that use this cache show.)
"""

from __future__ import annotations

from sqlalchemy import Engine

from risk.errors import RunNotFoundError
from risk.store.records import RunRecord
from risk.store.runs import get_run


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

"""What the case rules need from the snapshot a run scored: each account's top-level branch
head (the nightly run's branch units) and one account's downline (a branch case opened by
hand). The store keeps no sponsor links, so both are read from the run's snapshot directory;
without it (moved, or a run scored from frames) cases fall back to whole networks."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from features.build import branch_heads, downline_ids
from features.loading import load_snapshot
from risk.store.records import RunRecord

log = logging.getLogger(__name__)


def _snapshot_dir(run: RunRecord | None) -> Path | None:
    if run is None or not run.snapshot_path or not Path(run.snapshot_path).is_dir():
        if run is not None:
            log.warning(
                "run %s: snapshot %r not readable; no branch units", run.id, run.snapshot_path
            )
        return None
    return Path(run.snapshot_path)


def run_branch_heads(run: RunRecord | None) -> pd.Series | None:
    """account_id -> the head of its top-level branch at the run's as_of (None: unknown)."""
    directory = _snapshot_dir(run)
    if directory is None or run is None:
        return None
    return branch_heads(load_snapshot(directory), run.as_of)


def run_downline(run: RunRecord | None, account_id: str) -> frozenset[str]:
    """The account's whole downline at the run's as_of (empty when unknown)."""
    directory = _snapshot_dir(run)
    if directory is None or run is None:
        return frozenset()
    return frozenset(downline_ids(load_snapshot(directory), account_id, run.as_of))

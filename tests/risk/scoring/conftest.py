"""Helpers for breaking a copy of the shared trained world's snapshot (see tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def copy_snapshot(source: Path, target: Path) -> Path:
    """A writable copy of a snapshot directory (tests break it on purpose)."""
    target.mkdir(parents=True)
    for file in source.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    return target


def add_sponsor_cycle(snapshot_dir: Path) -> None:
    """Make two accounts each other's sponsor (a data-contract error)."""
    path = snapshot_dir / "accounts.parquet"
    accounts = pd.read_parquet(path)
    child = accounts[accounts["sponsor_id"].notna()].iloc[0]
    parent_row = accounts.index[accounts["account_id"] == child["sponsor_id"]][0]
    accounts.loc[parent_row, "sponsor_id"] = child["account_id"]
    accounts.to_parquet(path, index=False)

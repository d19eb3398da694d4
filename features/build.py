"""The one entry point: the feature table of a snapshot as of a time (one row per account)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from features.registry import REGISTRY
from features.signals.authenticity import authenticity_signals
from features.signals.churn import churn_signals
from features.signals.money import money_signals
from features.signals.neighbours import neighbours_signals
from features.signals.network import network_signals
from features.signals.recruitment import recruitment_signals
from features.signals.relative import relative_signals
from features.signals.structure import structure_signals
from features.signals.tables import MONEY_SCALE, cut, joined_accounts, sponsorship_forest
from features.signals.trade import trade_signals
from features.snapshot import Snapshot
from features.utc import utc


def resolve_as_of(snapshot: Snapshot, as_of: pd.Timestamp | str | None) -> pd.Timestamp:
    """``as_of`` in UTC; by default the latest event in the snapshot (never the wall clock)."""
    return utc(snapshot.latest_event_time() if as_of is None else as_of)


def build_features(snapshot: Snapshot, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Every registry feature for each account that had joined by ``as_of``.

    Indexed by ``account_id`` (sorted), columns in registry order, int64/float64 (``network_id``
    str), no NaN or inf. Only events at or before ``as_of`` are used.
    """
    pit = cut(snapshot, resolve_as_of(snapshot, as_of))
    table = structure_signals(pit)
    table = table.join(recruitment_signals(pit, table))
    table = table.join(trade_signals(pit))
    table = table.join(money_signals(pit, table))
    table = table.join(churn_signals(pit, table))
    table = table.join(network_signals(pit, table))
    table = table.join(relative_signals(pit, table))
    table = table.join(authenticity_signals(pit, table))
    table = table.join(neighbours_signals(pit, table))
    return _finish(table, pit.account_id)


def branch_heads(snapshot: Snapshot, as_of: pd.Timestamp | str | None = None) -> pd.Series:
    """The account id of the head of each account's top-level branch at ``as_of`` (index
    ``account_id``, the accounts ``build_features`` lists): its tier-1 upline, itself at tier
    1; a root heads its own branch, the whole network (``Forest.branch_head``, as the
    ``branch_*`` features pool it). Only the accounts table is read."""
    as_of_us = int(pd.DatetimeIndex([resolve_as_of(snapshot, as_of)]).as_unit("us").asi8[0])
    accounts = joined_accounts(snapshot, as_of_us)
    account_id = pd.Index(accounts["account_id"].to_numpy(), name="account_id")
    head = sponsorship_forest(accounts, account_id).branch_head()
    return pd.Series(account_id.to_numpy()[head], index=account_id, name="branch_id")


def downline_ids(
    snapshot: Snapshot, account: str, as_of: pd.Timestamp | str | None = None
) -> list[str]:
    """The ids of ``account``'s whole downline at ``as_of`` (not the account itself; empty when
    it had not joined). In preorder an account is followed by its downline, one block."""
    as_of_us = int(pd.DatetimeIndex([resolve_as_of(snapshot, as_of)]).as_unit("us").asi8[0])
    accounts = joined_accounts(snapshot, as_of_us)
    account_id = pd.Index(accounts["account_id"].to_numpy(), name="account_id")
    if account not in account_id:
        return []
    forest = sponsorship_forest(accounts, account_id)
    at = int(account_id.get_loc(account))
    start, stop = forest.preorder[at], forest.preorder[at] + forest.subtree_size[at]
    below = (forest.preorder > start) & (forest.preorder < stop)
    return [str(i) for i in account_id[below]]


def _finish(table: pd.DataFrame, account_id: pd.Index) -> pd.DataFrame:
    """Registry columns only, in registry order, with registry dtypes and money in currency."""
    columns = {}
    for name, spec in REGISTRY.items():
        values = table[name].to_numpy()
        if spec.unit == "money":
            values = values / MONEY_SCALE
        if spec.dtype == "str":
            columns[name] = pd.array(values, dtype="str")
        else:
            columns[name] = values.astype(spec.dtype)
    frame = pd.DataFrame(columns, index=account_id.copy())
    frame.index.name = "account_id"
    return frame


def assert_finite(frame: pd.DataFrame) -> None:
    """Raise AssertionError if a numeric feature holds NaN or inf (a bug, not a data error)."""
    numeric = frame.select_dtypes(include=[np.number]).to_numpy(dtype=np.float64)
    bad = ~np.isfinite(numeric)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise AssertionError(f"feature {frame.columns[column]!r} is not finite at row {row}")


FEATURE_FILE_SUFFIXES = (".csv", ".parquet")


def save_feature_table(frame: pd.DataFrame, path: Path) -> None:
    """Write the table (.csv or .parquet, by suffix) atomically: all of it or nothing."""
    if path.suffix not in FEATURE_FILE_SUFFIXES:
        raise ValueError(f"{path}: the output must end in .csv or .parquet")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if path.suffix == ".csv":
            frame.to_csv(partial, index=True)
        else:
            frame.to_parquet(partial, index=True)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)

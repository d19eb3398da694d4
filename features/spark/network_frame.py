"""The pandas side of a network group: raw routed rows -> Snapshot -> the local ``build_features``.

This runs inside ``applyInPandas`` on an executor; it is plain pandas, so it is tested and
reasoned about like the rest of ``features``. Only typed-conversion problems can surface here
(the Spark side has already refused missing tables and columns, duplicate ids and cycles).
"""

from __future__ import annotations

import pandas as pd

from features.build import build_features
from features.contract import ACCOUNTS, COMMISSIONS, ORDERS, TableSpec
from features.errors import DataContractError
from features.loading import convert_table, empty_table
from features.registry import REGISTRY
from features.snapshot import Snapshot
from features.spark.routing import COMMISSION, GHOST, ORDER, OWN, PART, PREFIX
from features.validation_report import TableFile, ValidationReport

EXTRA_COLUMNS = ("region",)  # carried beside the features for the score table


def _table(
    group: pd.DataFrame, parts: tuple[str, ...], spec: TableSpec, source: str
) -> pd.DataFrame:
    """The rows of one table, un-prefixed and converted exactly as the local loader does."""
    prefix = PREFIX[spec.name]
    columns = [c for c in group.columns if c.startswith(prefix)]
    if not columns:
        return empty_table(spec)
    raw = group.loc[group[PART].isin(parts), columns]
    raw = raw.rename(columns=lambda name: name[len(prefix) :])
    table, problems, _ = convert_table(raw, spec, TableFile(spec.name, source, "parquet"))
    report = ValidationReport(source, problems)
    if not report.ok:
        raise DataContractError(report.render())
    return table


def network_snapshot(group: pd.DataFrame, source: str = "<spark>") -> tuple[Snapshot, pd.Index]:
    """The network's snapshot (own accounts + ghosts) and the ids of its own accounts."""
    # Own account rows first, so that the first len(own) converted accounts are the own ones.
    group = group.sort_values(PART, key=lambda part: part != OWN, kind="stable")
    accounts = _table(group, (OWN, GHOST), ACCOUNTS, source)
    own = group.loc[group[PART] == OWN, PREFIX["accounts"] + "account_id"]
    own_ids = pd.Index(accounts["account_id"].iloc[: len(own)]) if len(own) else pd.Index([])
    snapshot = Snapshot(
        accounts=accounts,
        orders=_table(group, (ORDER,), ORDERS, source),
        commissions=_table(group, (COMMISSION,), COMMISSIONS, source),
    )
    return snapshot, own_ids


def empty_features() -> pd.DataFrame:
    """A zero-row output frame with the output columns (a network with no account yet)."""
    columns: dict[str, pd.Series] = {"account_id": pd.Series([], dtype="str")}
    for name, spec in REGISTRY.items():
        columns[name] = pd.Series([], dtype=spec.dtype)
    return pd.DataFrame(columns).assign(region=pd.Series([], dtype="str"))


def network_features(group: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Features of the group's own accounts, by the local ``build_features`` (plus region)."""
    snapshot, own_ids = network_snapshot(group.reset_index(drop=True))
    joined = snapshot.accounts["joined_at"] <= as_of
    if not joined.iloc[: len(own_ids)].any():
        return empty_features()
    features = build_features(snapshot, as_of)
    features = features.loc[features.index.isin(own_ids)]
    region = snapshot.accounts.set_index("account_id")["region"]
    return features.assign(region=region.reindex(features.index).to_numpy()).reset_index()

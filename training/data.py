"""The labelled feature table a training run learns from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from features.build import build_features
from features.contract import LABELS
from features.errors import DataContractError
from features.loading import convert_table, read_raw_table
from features.snapshot import Snapshot
from features.validation_report import TableFile, ValidationReport
from training.errors import TrainingDataError

SLICE_COLUMNS = ("role", "family")  # label columns that define evaluation slices, when present


def labelled_features(
    snapshot: Snapshot, labels: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Features as of ``as_of`` for labelled accounts that had joined, plus label and slices."""
    features = build_features(snapshot, as_of)
    keep = ["label", *[c for c in SLICE_COLUMNS if c in labels.columns]]
    table = features.join(labels.set_index("account_id")[keep], how="inner")
    table["label"] = table["label"].astype("int64")
    table["joined_at"] = snapshot.accounts.set_index("account_id")["joined_at"].reindex(table.index)
    return table


def snapshot_labels(snapshot: Snapshot, labels: pd.DataFrame | None) -> pd.DataFrame:
    """The labels to train on: the given table, else the snapshot's own labels file."""
    chosen = labels if labels is not None else snapshot.labels
    if chosen is None or chosen.empty:
        raise TrainingDataError(
            "no labels: put labels.csv/labels.parquet in the snapshot or pass --labels FILE"
        )
    if chosen["label"].nunique() < 2:
        raise TrainingDataError("labels hold one class only: need legitimate (0) and scheme (1)")
    return chosen


EXTRA_LABEL_COLUMNS = ("family",)  # simulator extras the data contract does not name


def read_labels_file(path: Path, account_ids: pd.Index) -> pd.DataFrame:
    """A labels file (.csv / .parquet) in canonical dtypes, checked against the accounts."""
    file_format = path.suffix.lstrip(".").lower()
    if file_format not in ("csv", "parquet") or not path.is_file():
        raise DataContractError(f"{path}: labels must be an existing .csv or .parquet file")
    source = TableFile("labels", str(path), file_format)  # type: ignore[arg-type]
    try:
        table, problems, complete = convert_table(read_raw_table(source, LABELS), LABELS, source)
    except (OSError, ValueError) as error:
        raise DataContractError(f"{path}: cannot read labels: {error}") from error
    report = ValidationReport(str(path), problems)
    if not report.ok or not complete:
        raise DataContractError(report.render())
    unknown = table.loc[~table["account_id"].isin(account_ids), "account_id"]
    if len(unknown):
        first = ", ".join(unknown.head(3).astype(str))
        raise DataContractError(
            f"{path}: column account_id: {len(unknown)} labels name no account ({first}...)"
        )
    return with_label_extras(table, path)


def with_label_extras(labels: pd.DataFrame, path: Path | None) -> pd.DataFrame:
    """Add the extra slice columns (``family``) the labels file carries, if any."""
    if path is None or not Path(path).is_file():
        return labels
    if Path(path).suffix == ".parquet":
        present = [c for c in EXTRA_LABEL_COLUMNS if c in pq.read_schema(path).names]
        extras = pd.read_parquet(path, columns=["account_id", *present]) if present else None
    else:
        header = pd.read_csv(path, nrows=0).columns
        present = [c for c in EXTRA_LABEL_COLUMNS if c in header]
        extras = pd.read_csv(path, usecols=["account_id", *present], dtype=str) if present else None
    if extras is None:
        return labels
    extras = extras.astype({"account_id": "str"}).drop_duplicates("account_id")
    return labels.drop(columns=present, errors="ignore").merge(extras, on="account_id", how="left")

"""The heavy stages of a scoring run, each over whole tables in chunks with progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from risk.scoring.progress import StageClock
from risk.scoring.score_file import ScoreTableWriter
from risk.scoring.table import STORED_COLUMNS
from risk.store.runs import insert_pipelined, score_rows
from risk.vocab import EXPLAINED_BANDS

if TYPE_CHECKING:
    from models.explain_text import Reason

# The explainer's top reasons for rows of model input, one list per row.
ReasonsFn: TypeAlias = Callable[[pd.DataFrame], "list[list[Reason]]"]


def explain_in_chunks(
    model_input: pd.DataFrame,
    bands: pd.Series,
    explain: ReasonsFn,
    clock: StageClock,
    *,
    stage: str,
    chunk_size: int,
) -> pd.Series:
    """Reasons for every account at band medium or above (None for the others)."""
    # A list of Nones: pd.Series(None, dtype=object) would hold NaN, which Arrow cannot take as
    # a missing list (the Spark engine's executors send these reasons as structs).
    missing = [None] * len(model_input)
    reasons = pd.Series(missing, index=model_input.index, dtype=object, name="reasons")
    to_explain = np.flatnonzero(bands.isin(EXPLAINED_BANDS).to_numpy())
    for start in range(0, len(to_explain), chunk_size):
        rows = to_explain[start : start + chunk_size]
        explained = explain(model_input.iloc[rows])
        reasons.iloc[rows] = [[r.to_dict() for r in account] for account in explained]
        clock.advance(stage, len(rows))
    return reasons


def store_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The rows ``write_scores`` takes: the run table's stored columns and account_id."""
    return table[list(STORED_COLUMNS)].rename_axis("account_id").reset_index()


def write_in_chunks(
    engine: Engine,
    run_id: str,
    table: pd.DataFrame,
    clock: StageClock,
    *,
    stage: str,
    chunk_size: int,
    score_file: ScoreTableWriter | None = None,
) -> int:
    """Write the run's rows in rank order, chunk by chunk (one transaction each), to the store
    and the score file; the per-account feature values go to the run's values file
    (``risk.store.run_values``). A second thread builds chunk i+1's rows and its part of the
    score file (the sentences of its indicators: Python) while chunk i goes into the store
    (sqlite3 and psycopg release the GIL while the database works): two cores, not one."""
    order = np.argsort(table["rank"].to_numpy(), kind="stable")
    starts = range(0, len(order), chunk_size)

    def prepare(start: int) -> list[tuple[Any, ...]]:
        part = table.iloc[order[start : start + chunk_size]]
        rows = score_rows(run_id, store_frame(part))
        if score_file is not None:
            score_file.write(part)
        return rows

    return insert_pipelined(
        engine, run_id, starts, prepare, lambda rows: clock.advance(stage, rows)
    )


def numeric_feature_columns(features: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """The registry features present in the table that hold numbers (stored per account)."""
    return [n for n in names if n in features.columns and features[n].dtype.kind in "biuf"]

"""Incremental nights: reasons carried over from the previous run for accounts whose model input
did not change.

Explaining is most of a run past its floor (TreeSHAP: ~1.7 ms of CPU an account on the 1,000
tree model, against ~30 us to score it). An account's reasons are a function of its model input
row, the model and the model's reference medians only, so when the latest published run was
scored by the same model version and holds the account's input row bit for bit (in its values
file) and its reasons, those reasons are the ones a full run would compute: they are reused,
the others explained. Features and scores are computed afresh every night (they are the floor,
and an account's features move with its network and the population), so the result is the
full run's by construction; ``risk score --full`` skips the reuse anyway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from models.explain_text import Reason
from risk.scoring.stages import ReasonsFn
from risk.store.run_values import read_values_frame, values_file_of
from risk.store.runs import latest_published_run
from risk.store.schema import scores_table

if TYPE_CHECKING:
    from models.scorer import RiskScorer

_s = scores_table.c


@dataclass
class PreviousRun:
    """The published run whose reasons a run may reuse, and how many it reused."""

    store: Engine
    run_id: str
    values_file: Path
    reused: int = 0
    _reasons: dict[str, list[dict[str, Any]]] | None = field(default=None, repr=False)

    def reasons(self) -> dict[str, list[dict[str, Any]]]:
        """Account -> stored reasons of every account the run explained (read once)."""
        if self._reasons is None:
            with self.store.connect() as connection:
                rows = connection.execute(
                    select(_s.account_id, _s.reasons).where(
                        (_s.run_id == self.run_id) & _s.reasons.is_not(None)
                    )
                )
                self._reasons = {account: found for account, found in rows if found}
        return self._reasons


def previous_run(store: Engine, scorer: RiskScorer) -> PreviousRun | None:
    """The latest published run, if the same model version scored it and it has a values file
    (runs before revision 0009 keep their values in their rows: nothing to compare with)."""
    latest = latest_published_run(store)
    if latest is None or latest.model_name != scorer.name:
        return None
    if latest.model_version != str(scorer.version):
        return None
    with store.connect() as connection:
        values_file = values_file_of(connection, latest.id)
    if values_file is None or not values_file.exists():
        return None
    return PreviousRun(store=store, run_id=latest.id, values_file=values_file)


def reusing(explain: ReasonsFn, previous: PreviousRun, feature_names: Sequence[str]) -> ReasonsFn:
    """``explain`` that takes the previous run's reasons for rows whose model input it holds
    unchanged, and explains only the others (same order, same reasons as a full run)."""
    names = list(feature_names)

    def explain_changed(rows: pd.DataFrame) -> list[list[Reason]]:
        ids = rows.index.astype(str)
        stored = previous.reasons()
        known = np.fromiter((account in stored for account in ids), bool, len(ids))
        same = known & _same_input(rows[names], previous, ids, known)
        out: list[list[Reason] | None] = [None] * len(rows)
        for position in np.flatnonzero(same).tolist():
            reasons = _stored_reasons(stored[ids[position]])
            if reasons is None:  # stored before reasons kept their reference: explain again
                same[position] = False
            else:
                out[position] = reasons
        changed = np.flatnonzero(~same)
        if len(changed):
            explained = explain(rows.iloc[changed])
            for position, reasons in zip(changed.tolist(), explained, strict=True):
                out[position] = reasons
        previous.reused += int(same.sum())
        return [reasons if reasons is not None else [] for reasons in out]

    return explain_changed


def _same_input(
    rows: pd.DataFrame, previous: PreviousRun, ids: pd.Index, known: np.ndarray
) -> np.ndarray:
    """Per row: the previous run's values file holds this model input, bit for bit (a NaN
    where it has a NaN: a missing value either way)."""
    wanted = ids[known]
    if len(wanted) == 0:
        return np.zeros(len(rows), bool)
    before = read_values_frame(previous.values_file, list(wanted), list(rows.columns))
    old = before.reindex(ids).to_numpy(dtype="float64", na_value=np.nan)
    new = rows.to_numpy(dtype="float64", na_value=np.nan)
    # bits, not ==: -0.0 == 0.0, but a reason shows the value it was given
    equal = (old.view(np.int64) == new.view(np.int64)) | (np.isnan(old) & np.isnan(new))
    present = ids.isin(before.index)
    return np.asarray(equal.all(axis=1) & present & known)


def _stored_reasons(stored: list[dict[str, Any]]) -> list[Reason] | None:
    """Reason objects back from a run's stored reasons (None for a stored form without
    ``reference``, which a full run would now fill in)."""
    reasons = []
    for item in stored:
        if "reference" not in item:
            return None
        reasons.append(
            Reason(
                feature=str(item["feature"]),
                value=_number(item.get("value")),
                contribution=_number(item.get("contribution")),
                reference=_number(item.get("reference")),
            )
        )
    return reasons


def _number(value: Any) -> float:
    """A stored number (None was a NaN: JSON has no NaN)."""
    return math.nan if value is None else float(value)

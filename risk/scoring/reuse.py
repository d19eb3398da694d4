"""Incremental nights: scores and reasons carried over from the previous run for accounts whose
model input did not change.

Past reading and the feature group-bys, a run's CPU goes to one predict pass (~50 us an account
on the 1,000-tree model) and to explaining the accounts at medium and above (TreeSHAP: ~1.7 ms
an account). An account's calibrated score and its reasons are functions of its model input
row, the model and the model's reference medians only. So when the latest published run was
scored by the same model version and its values file holds an account's input row bit for bit,
that run's score (when it stored the calibrated score: no prior-shift adjustment) and reasons
are the ones a full run computes: they are reused, and only the other accounts are predicted
and explained. Features are computed afresh every night (an account's move with its network),
and bands, ranks, group scores, indicators and drift from the whole night's scores, so the run
publishes what a full run publishes (tested); ``risk score --full`` skips the reuse anyway.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from models.explain_text import Reason
from risk.scoring.stages import ReasonsFn
from risk.store.run_values import read_values_columns, values_file_of
from risk.store.runs import latest_published_run
from risk.store.schema import scores_table

if TYPE_CHECKING:
    from models.scorer import RiskScorer

_s = scores_table.c


@dataclass
class PreviousRun:
    """The published run whose scores and reasons a run may reuse, and how many it reused."""

    store: Engine
    run_id: str
    values_file: Path
    scores_calibrated: bool  # its stored scores are the calibrated ones (no prior shift)
    reused: int = 0  # reasons
    scores_reused: int = 0
    _unchanged: pd.Series | None = field(default=None, repr=False)
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

    def unchanged(self, model_input: pd.DataFrame) -> pd.Series:
        """Per account of the model input: the run's values file holds its row bit for bit (a
        NaN where it has a NaN); computed once, for the whole night's model input."""
        if self._unchanged is None:
            self._unchanged = _same_rows(self.values_file, model_input)
        return self._unchanged

    def calibrated_scores(
        self, model_input: pd.DataFrame, predict: Callable[[pd.DataFrame], pd.Series]
    ) -> pd.Series:
        """Calibrated scores of the model input: the run's stored score where the input is
        unchanged, ``predict`` of the other rows."""
        if not self.scores_calibrated:
            return predict(model_input)
        ids = model_input.index.astype(str)
        with self.store.connect() as connection:
            stored = pd.DataFrame(
                connection.execute(
                    select(_s.account_id, _s.score).where(_s.run_id == self.run_id)
                ).all(),
                columns=["account_id", "score"],
            ).set_index("account_id")["score"]
        old = stored.reindex(ids).to_numpy(dtype="float64")
        same = self.unchanged(model_input).to_numpy() & ~np.isnan(old)
        scores = old.copy()
        changed = np.flatnonzero(~same)
        if len(changed):
            scores[changed] = predict(model_input.iloc[changed]).to_numpy(dtype="float64")
        self.scores_reused = int(same.sum())
        return pd.Series(scores, index=model_input.index, name="score")


def _same_rows(values_file: Path, model_input: pd.DataFrame) -> pd.Series:
    """Per row (index account_id as text): the values file holds it bit for bit."""
    before = read_values_columns(values_file, list(model_input.columns))
    ids = model_input.index.astype(str)
    at = before.index.get_indexer(ids)
    same = at >= 0
    found = np.where(same, at, 0)
    # column by column: a 1M-account night holds no second copy of its model input
    for name in model_input.columns:
        old = before[name].to_numpy(dtype="float64", na_value=np.nan)[found]
        new = model_input[name].to_numpy(dtype="float64", na_value=np.nan)
        # bits, not ==: -0.0 == 0.0, but a reason shows the value it was given
        same &= (old.view(np.int64) == new.view(np.int64)) | (np.isnan(old) & np.isnan(new))
    return pd.Series(same, index=ids)


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
    shifted = bool(((latest.drift or {}).get("prior_shift") or {}).get("applied"))
    return PreviousRun(
        store=store, run_id=latest.id, values_file=values_file, scores_calibrated=not shifted
    )


def reusing(explain: ReasonsFn, previous: PreviousRun, feature_names: Sequence[str]) -> ReasonsFn:
    """``explain`` that takes the previous run's reasons for rows whose model input it holds
    unchanged (``PreviousRun.unchanged``, computed on the scored model input), and explains
    only the others (same order, same reasons as a full run)."""
    names = list(feature_names)

    def explain_changed(rows: pd.DataFrame) -> list[list[Reason]]:
        ids = rows.index.astype(str)
        stored = previous.reasons()
        known = np.fromiter((account in stored for account in ids), bool, len(ids))
        if previous._unchanged is None:  # the engine did not compare the whole night: the rows
            mask = _same_rows(previous.values_file, rows[names])
        else:
            mask = previous._unchanged.reindex(ids, fill_value=False)
        same = known & mask.to_numpy(dtype=bool)
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

"""What a night may reuse from the latest published run: only a run of the same model version,
its scores only when they are the calibrated ones (no prior shift), and only for rows whose
model input its values file holds bit for bit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from risk.scoring.reuse import previous_run
from risk.store.run_values import write_run_values
from risk.store.runs import begin_run, publish_run, write_scores

IDS = [f"a{i}" for i in range(6)]
INPUT = pd.DataFrame(
    {"recruits_30d": [1.0, 2.0, np.nan, 4.0, 0.0, 6.0], "downline_size": [0.5] * 6},
    index=pd.Index(IDS, name="account_id"),
)


def _publish(engine: Engine, tmp_path: Path, *, shifted: bool, version: str = "7") -> str:
    run_id = begin_run(
        engine,
        as_of=datetime(2026, 6, 30, tzinfo=UTC),
        model_name="mlm-risk",
        model_version=version,
        model_run_id=None,
        data_fingerprint=f"night-{shifted}-{version}",
        snapshot_path=None,
    )
    scores = pd.DataFrame(
        {
            "account_id": IDS,
            "score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            "band": ["low"] * 6,
            "rank": [6, 5, 4, 3, 2, 1],
        }
    )
    write_scores(engine, run_id, scores)
    values = tmp_path / f"{run_id}.arrow"
    write_run_values(values, IDS, INPUT.reset_index(drop=True), pd.DataFrame(index=range(6)))
    drift = {"prior_shift": {"mode": "em" if shifted else "off", "applied": shifted}}
    publish_run(
        engine, run_id, accounts_scored=6, counts={}, timings={}, drift=drift, values_file=values
    )
    return run_id


def _scorer(version: str = "7") -> Any:
    return SimpleNamespace(name="mlm-risk", version=version)


def test_only_unchanged_rows_keep_their_stored_score(store_engine: Engine, tmp_path: Path) -> None:
    run_id = _publish(store_engine, tmp_path, shifted=False)
    previous = previous_run(store_engine, _scorer())
    assert previous is not None and previous.run_id == run_id and previous.scores_calibrated
    tonight = INPUT.copy()
    tonight.loc["a1", "recruits_30d"] = 2.5  # changed
    tonight.loc["a4", "recruits_30d"] = -0.0  # the same number, another value to show
    tonight.loc["new"] = [9.0, 0.5]  # not in the previous run
    predicted: list[list[str]] = []

    def predict(rows: pd.DataFrame) -> pd.Series:
        predicted.append(list(rows.index))
        return pd.Series(0.99, index=rows.index)

    scores = previous.calibrated_scores(tonight, predict)
    assert predicted == [["a1", "a4", "new"]]
    assert scores.to_dict() == {
        "a0": 0.1, "a1": 0.99, "a2": 0.3, "a3": 0.4, "a4": 0.99, "a5": 0.6, "new": 0.99,
    }  # fmt: skip
    assert previous.scores_reused == 4  # a2's missing value is missing both nights


def test_prior_shifted_scores_and_other_models_are_not_reused(
    store_engine: Engine, tmp_path: Path
) -> None:
    _publish(store_engine, tmp_path, shifted=True)
    assert previous_run(store_engine, _scorer(version="8")) is None
    previous = previous_run(store_engine, _scorer())
    assert previous is not None and not previous.scores_calibrated
    seen: list[int] = []

    def predict(rows: pd.DataFrame) -> pd.Series:
        seen.append(len(rows))
        return pd.Series(0.5, index=rows.index)

    assert (previous.calibrated_scores(INPUT, predict) == 0.5).all()
    assert seen == [len(INPUT)] and previous.scores_reused == 0

"""Rows an incremental night copies inside the store (risk.store.carry): only rows equal to the
previous run's in every stored column but the rank, copied with their new rank, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.errors import StoreConflictError
from risk.scoring.stages import store_frame
from risk.store.carry import copy_rows, unchanged_rows
from risk.store.runs import begin_run, publish_run, write_scores
from risk.store.scores import scores_frame

REASON = {"feature": "entry_fee", "value": 0.1, "contribution": 1.25, "reference": 0.0}
INDICATOR = {"rule_id": "US-KOSCOT", "evidence": {"entry_fee": 146.0}, "params": {}}


def _table() -> pd.DataFrame:
    """Six accounts as a run table (index account_id), most columns filled."""
    ids = [f"a{i}" for i in range(6)]
    return pd.DataFrame(
        {
            "network_id": ["n1", "n1", "n2", "n2", "n3", "n3"],
            "region": ["CN-11"] * 6,
            "tier": [0, 1, 0, 1, 0, 1],
            "score": [0.9, 0.8, 0.7, 0.3, 0.2, 0.1],
            "band": ["critical", "high", "medium", "low", "low", "low"],
            "rank": [1, 2, 3, 4, 5, 6],
            "role": ["organizer", "recruiter", "participant", None, None, None],
            "role_probability": [0.7, 0.6, 0.5, np.nan, np.nan, np.nan],
            "reasons": [[REASON], [REASON], [REASON], None, None, None],
            "indicators": [[INDICATOR], [], [], [], [INDICATOR], []],
            "network_score": [0.85, 0.85, 0.5, 0.5, 0.15, 0.15],
            "branch_score": [0.85, 0.8, np.nan, np.nan, 0.15, 0.15],
        },
        index=pd.Index(ids, name="account_id"),
    )


def _begin(engine: Engine, key: str) -> str:
    return begin_run(
        engine,
        as_of=datetime(2026, 6, 30, tzinfo=UTC),
        model_name="mlm-risk",
        model_version="7",
        model_run_id=None,
        data_fingerprint=key,
        snapshot_path=None,
    )


def _published(engine: Engine, table: pd.DataFrame) -> str:
    run_id = _begin(engine, "first")
    write_scores(engine, run_id, store_frame(table))
    publish_run(engine, run_id, accounts_scored=len(table), counts={}, timings={}, drift=None)
    return run_id


def test_only_rows_equal_but_for_their_rank_are_carried(store_engine: Engine) -> None:
    first = _published(store_engine, _table())
    night = _table()
    night["rank"] = [2, 1, 3, 4, 6, 5]  # a rank alone does not make a row changed
    night.loc["a1", "score"] = np.nextafter(0.8, 1.0)  # one bit
    night.at["a2", "reasons"] = [{**REASON, "contribution": 1.5}]
    night.loc["a3", "role_probability"] = 0.0  # was missing
    night.at["a4", "indicators"] = []  # fired before, not now
    unchanged = unchanged_rows(store_engine, first, store_frame(night))
    assert unchanged.tolist() == [True, False, False, False, False, True]

    run_id = _begin(store_engine, "night")
    carried = night.index[unchanged].tolist()
    assert copy_rows(store_engine, run_id, first, carried, night["rank"][unchanged].tolist()) == 2
    write_scores(store_engine, run_id, store_frame(night[~unchanged]))
    publish_run(store_engine, run_id, accounts_scored=6, counts={}, timings={}, drift=None)
    rows = scores_frame(store_engine, run_id).set_index("account_id")
    assert rows.loc["a0", "rank"] == 2 and rows.loc["a5", "rank"] == 5
    assert rows.loc["a0", "indicators"] == [INDICATOR] and rows.loc["a0", "reasons"] == [REASON]
    assert rows.loc["a1", "score"] == np.nextafter(0.8, 1.0)


def test_a_row_missing_from_the_previous_run_is_neither_carried_nor_copied(
    store_engine: Engine,
) -> None:
    first = _published(store_engine, _table().iloc[:4])
    unchanged = unchanged_rows(store_engine, first, store_frame(_table()))
    assert unchanged.tolist() == [True, True, True, True, False, False]
    run_id = _begin(store_engine, "night")
    with pytest.raises(StoreConflictError, match="1 of 2 rows carried over"):
        copy_rows(store_engine, run_id, first, ["a0", "a5"], [1, 2])
    assert scores_frame(store_engine, run_id).empty  # the failed copy left nothing

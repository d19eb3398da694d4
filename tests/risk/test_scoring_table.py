from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.scoring.score_file import SCORE_TABLE_COLUMNS, ScoreTableWriter, json_text
from risk.scoring.stages import store_frame
from risk.scoring.table import (
    RUN_TABLE_COLUMNS,
    STORED_COLUMNS,
    band_counts,
    indicator_counts,
    networks_flagged,
    population_percentiles,
    rank_accounts,
    run_table,
)

AS_OF = pd.Timestamp("2025-06-30T00:00:00Z")


def _run_table() -> pd.DataFrame:
    index = pd.Index(["a", "b", "c", "d"], name="account_id")
    fired = [
        [
            {
                "rule_id": "CN-1",
                "jurisdiction": "CN",
                "citation": "《禁止传销条例》第七条",
                "text": "拉人头",
                "evidence": {"recruits": 31},
            }
        ],
        [],
        [],
        [{"rule_id": "CN-1", "jurisdiction": "CN", "citation": "c", "text": "t", "evidence": {}}],
    ]
    return run_table(
        network_id=pd.Series(["n1", "n1", "n2", "n3"], index=index),
        region=pd.Series({"a": "CN", "c": "US", "d": None}),
        tier=pd.Series([0, 1, 0, 2], index=index),
        scores=pd.Series([0.9, 0.1, 0.5, 0.9], index=index),
        bands=pd.Series(["critical", "low", "medium", "high"], index=index),
        as_of=AS_OF,
        roles=(
            pd.Series(["organizer", None, "recruiter", "organizer"], index=index),
            pd.Series([0.8, np.nan, 0.6, 0.7], index=index),
        ),
        reasons=pd.Series([[], None, [], []], index=index, dtype=object),
        indicators=pd.Series(fired, index=index, dtype=object),
    )


def test_rank_one_is_riskiest_and_ties_break_by_account_id() -> None:
    ranks = _run_table()["rank"]
    assert ranks.to_dict() == {"a": 1, "d": 2, "c": 3, "b": 4}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=50))
def test_ranks_are_a_permutation_ordered_by_score(values: list[float]) -> None:
    scores = pd.Series(values, index=[f"acc{i:03d}" for i in range(len(values))])
    ranks = rank_accounts(scores)
    assert sorted(ranks) == list(range(1, len(values) + 1))
    by_rank = scores.loc[ranks.sort_values().index].to_numpy()
    assert np.all(np.diff(by_rank) <= 0)


def test_percentiles_run_from_low_to_one_hundred() -> None:
    features = pd.DataFrame({"downline_size": [0, 5, 10, 10], "name": ["a", "b", "c", "d"]})
    pct = population_percentiles(features, ["downline_size", "missing_feature"])
    assert list(pct.columns) == ["downline_size"]
    # Ties share their average rank: the two 10s hold ranks 3 and 4 -> 3.5 of 4.
    assert pct["downline_size"].tolist() == [25.0, 50.0, 87.5, 87.5]
    no_refunds = pd.DataFrame({"refund_share": [0.0] * 88 + [0.1] * 12})
    assert population_percentiles(no_refunds, ["refund_share"])["refund_share"][0] == 44.5


def test_counts_per_band_network_and_rule() -> None:
    table = _run_table()
    assert band_counts(table["band"]) == {"low": 1, "medium": 1, "high": 1, "critical": 1}
    assert networks_flagged(table["network_id"], table["band"]) == 2
    assert indicator_counts(table["indicators"]) == {"CN-1": 2}
    assert indicator_counts(pd.Series([[], []], dtype=object)) == {}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 5).map(float), st.just(float("nan"))), min_size=1))
def test_percentiles_agree_with_pandas_rank(values: list[float]) -> None:
    frame = pd.DataFrame({"x": values})
    expected = (frame["x"].rank(pct=True, method="average") * 100).round(1)
    got = population_percentiles(frame, ["x"])["x"]
    pd.testing.assert_series_equal(got, expected, check_names=False)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_streamed_table_appears_only_on_commit(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"scores{suffix}"
    table = _run_table().sort_values("rank").assign(reasons=None)
    writer = ScoreTableWriter(out, "mlm-risk/3", AS_OF)
    writer.write(table.iloc[:2])
    writer.write(table.iloc[2:])
    writer.close()
    assert not out.exists() and writer.temp.exists()
    writer.commit()
    back = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out, dtype=str)
    assert list(back.columns) == list(SCORE_TABLE_COLUMNS)
    assert back["account_id"].tolist() == ["a", "d", "c", "b"]
    assert json.loads(back["indicators"].iloc[0])[0]["citation"] == "《禁止传销条例》第七条"
    assert pd.Timestamp(back["as_of"].iloc[3]) == AS_OF
    assert back["reasons"].isna().all()
    if suffix == ".csv":
        assert "《禁止传销条例》" in out.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_score_file_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    out = tmp_path / "scores.csv"
    before = os.umask(umask)
    try:
        writer = ScoreTableWriter(out, "mlm-risk/3", AS_OF)
        writer.write(_run_table().sort_values("rank").assign(reasons=None))
        writer.close()
        writer.commit()
    finally:
        os.umask(before)
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_json_text_handles_numpy_values_and_missing() -> None:
    assert json_text(None) is None and json_text([]) == "[]"
    text = json_text([{"value": np.float64(0.5), "n": np.int64(3), "text": "拉人头"}])
    assert text == '[{"value":0.5,"n":3,"text":"拉人头"}]'


def test_discarded_table_leaves_nothing(tmp_path: Path) -> None:
    writer = ScoreTableWriter(tmp_path / "scores.csv", "mlm-risk/3", AS_OF)
    writer.write(_run_table().assign(reasons=None))
    writer.discard()
    assert list(tmp_path.iterdir()) == []


def test_run_table_has_its_declared_columns_and_types() -> None:
    table = _run_table()
    assert tuple(table.columns) == RUN_TABLE_COLUMNS and table.index.name == "account_id"
    assert table["region"].tolist() == ["CN", "", "US", ""]  # missing region: empty text
    assert table["tier"].dtype == "int64" and table["rank"].tolist() == [1, 4, 3, 2]
    assert table["role"].iloc[1] is None and np.isnan(table["role_probability"].iloc[1])
    assert (table["as_of"] == AS_OF).all()
    stored = store_frame(table)
    assert tuple(stored.columns) == ("account_id", *STORED_COLUMNS) and "as_of" not in stored


def test_score_table_of_no_accounts_still_has_its_header(tmp_path: Path) -> None:
    writer = ScoreTableWriter(tmp_path / "scores.csv", "mlm-risk/3", AS_OF)
    writer.close()
    back = pd.read_csv(writer.commit())
    assert list(back.columns) == list(SCORE_TABLE_COLUMNS) and back.empty

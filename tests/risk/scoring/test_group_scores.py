"""Network and branch scores: the mean of the top max(3, 10%) member scores of the group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.build import branch_heads
from features.snapshot import Snapshot
from risk.scoring.table import group_scores, run_table

AS_OF = pd.Timestamp("2025-06-30T00:00:00Z")


def _table(branch_id: pd.Series | None) -> pd.DataFrame:
    # n1: 25 accounts (top 3 count: k = max(3, ceil(2.5)) = 3); n2: 2 accounts (both count);
    # n3: 40 accounts (k = 4).
    n1 = [0.9, 0.8, 0.7, *[0.1] * 22]
    n2 = [0.95, 0.05]
    n3 = [0.6, 0.6, 0.5, 0.3, *[0.0] * 36]
    ids = [f"n1-{i:02d}" for i in range(25)]
    ids += [f"n2-{i:02d}" for i in range(2)]
    ids += [f"n3-{i:02d}" for i in range(40)]
    index = pd.Index(ids, name="account_id")
    networks = [account[:2] for account in ids]
    scores = pd.Series([*n1, *n2, *n3], index=index)
    return run_table(
        network_id=pd.Series(networks, index=index),
        region=pd.Series(dtype=object),
        tier=pd.Series([0] * len(index), index=index),
        scores=scores,
        bands=pd.Series(["low"] * len(index), index=index),
        as_of=AS_OF,
        roles=(pd.Series([None] * len(index), index=index), pd.Series(np.nan, index=index)),
        reasons=pd.Series([None] * len(index), index=index, dtype=object),
        indicators=pd.Series([[] for _ in index], index=index, dtype=object),
        branch_id=branch_id,
    )


def test_network_score_is_the_mean_of_the_top_max_3_or_10_percent() -> None:
    table = _table(None)
    by_network = table.groupby("network_id")["network_score"].agg(["min", "max"])
    assert (by_network["min"] == by_network["max"]).all()  # the same on every member
    assert by_network["max"].to_dict() == pytest.approx(
        {"n1": 0.8, "n2": 0.5, "n3": (0.6 + 0.6 + 0.5 + 0.3) / 4}
    )
    assert table["branch_score"].isna().all()  # no branch known: no branch score


def test_one_stray_account_does_not_make_a_network() -> None:
    index = pd.Index([f"a{i:02d}" for i in range(30)])
    scores = pd.Series([0.99, *[0.0] * 29], index=index)
    result = group_scores(scores, pd.Series("n", index=index))
    assert result.iloc[0] == pytest.approx(0.33)


def test_branch_score_is_the_same_over_each_branch_within_its_network() -> None:
    ids = _table(None).index
    # n1 in two branches (headed by n1-01 and n1-02); the same branch id in another network
    # is another branch.
    heads = ["n1-01" if i % 2 else "n1-02" for i in range(25)] + ["x"] * 2 + ["x"] * 40
    table = _table(pd.Series(heads, index=ids))
    odd = table.loc[[f"n1-{i:02d}" for i in range(1, 25, 2)], "branch_score"]
    even = table.loc[[f"n1-{i:02d}" for i in range(0, 25, 2)], "branch_score"]
    assert list(odd) == pytest.approx([(0.8 + 0.1 + 0.1) / 3] * len(odd))
    assert list(even) == pytest.approx([(0.9 + 0.7 + 0.1) / 3] * len(even))
    assert table.loc["n2-00", "branch_score"] == pytest.approx(0.5)
    assert table.loc["n3-00", "branch_score"] == table.loc["n3-00", "network_score"]


def test_empty_scores_give_an_empty_group_score() -> None:
    empty = pd.Series([], dtype="float64")
    assert group_scores(empty, pd.Series([], dtype=object)).empty


def test_branch_heads_follow_the_top_level_branch() -> None:
    joined = pd.Timestamp("2025-01-01T00:00:00Z")
    accounts = pd.DataFrame(
        {
            "account_id": ["r", "a", "b", "a1", "a11", "b1", "late", "s"],
            "sponsor_id": [None, "r", "r", "a", "a1", "b", "r", None],
            "joined_at": [joined] * 6 + [pd.Timestamp("2026-01-01T00:00:00Z"), joined],
        }
    )
    snapshot = Snapshot(accounts, pd.DataFrame(), pd.DataFrame(), None, {})
    heads = branch_heads(snapshot, AS_OF)
    assert heads.to_dict() == {
        "a": "a",
        "a1": "a",
        "a11": "a",
        "b": "b",
        "b1": "b",
        "r": "r",
        "s": "s",
    }

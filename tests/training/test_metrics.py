from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from training.metrics import pair_auc, ranking_metrics, reliability_curve, slice_metrics


def test_ranking_metrics_at_capacity() -> None:
    y = np.array([1, 1, 0, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    networks = np.array(["a", "a", "b", "c", "d", "d"])
    metrics = ranking_metrics(y, scores, networks, k=3)
    assert metrics["precision_at_3"] == pytest.approx(2 / 3)
    assert metrics["recall_at_3"] == pytest.approx(2 / 3)
    assert metrics["networks_in_top_3"] == 2  # a, b
    assert metrics["scheme_networks_in_top_3"] == 1  # a
    assert metrics["scheme_networks"] == 2  # a, c
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(y, scores))


def test_pair_auc_of_everything_is_the_auc() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    scores = np.round(rng.uniform(size=500) + 0.3 * y, 2)  # with ties
    everyone = np.ones(500, dtype=bool)
    assert pair_auc(y, scores, everyone) == pytest.approx(roc_auc_score(y, scores))


def test_one_class_slice_is_judged_against_the_other_class() -> None:
    y = np.array([1, 1, 0, 0, 0])
    scores = np.array([0.9, 0.4, 0.5, 0.1, 0.2])
    shops = np.array([False, False, True, False, False])  # one legitimate account at 0.5
    assert pair_auc(y, scores, shops) == pytest.approx(0.5)  # beats 0.4, loses to 0.9


def test_slice_metrics_per_role() -> None:
    y = np.array([1, 1, 0, 0])
    scores = np.array([0.9, 0.3, 0.6, 0.1])
    roles = pd.Series(["organizer", "participant", "legitimate", "legitimate"])
    table = slice_metrics(y, scores, roles, flag_threshold=0.5, k=2)
    assert table.loc["organizer", "recall_at_medium"] == 1.0
    assert table.loc["participant", "recall_at_medium"] == 0.0
    assert table.loc["legitimate", "false_alarm_at_medium"] == 0.5
    assert table.loc["legitimate", "in_top_2"] == 1


def test_reliability_curve_bins() -> None:
    curve = reliability_curve(np.array([0, 1, 1, 1]), np.array([0.05, 0.95, 0.91, 1.0]), bins=10)
    assert curve["accounts"].sum() == 4
    assert curve.iloc[-1]["observed_rate"] == 1.0


def test_a_label_column_without_values_gives_no_slice_table() -> None:

    from training.evaluation import slices

    table = pd.DataFrame(
        {
            "label": [0, 1, 0, 1],
            "role": [None, None, None, None],  # a labels file whose role column is empty
            "family": ["a", "a", "b", "b"],
        }
    )
    result = slices(table, np.array([0.1, 0.9, 0.2, 0.8]), flag_threshold=0.5, k=2)
    assert set(result) == {"family"}
    assert set(result["family"]) == {"a", "b"}

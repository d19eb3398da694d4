"""Invariants: SHAP additivity on random models and rows; ranking picks the strongest pushes."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from features.registry import FeatureSpec
from models.explainer import Explainer, top_cells


def _registry(names: list[str]) -> dict[str, FeatureSpec]:
    return {
        name: FeatureSpec(
            name=name,
            dtype="float64",
            group="structure",
            unit="ratio",
            riskier="higher",
            description_en=name,
            description_zh=name,
            reason_en=f"{name} is {{value}} (legitimate: {{reference}})",
            reason_zh=f"{name}为{{value}}（正常：{{reference}}）",
        )
        for name in names
    }


def _random_model(seed: int, n_features: int, leaves: int, trees: int) -> lgb.Booster:
    """A small booster on random data with a random signal, some values missing."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, n_features)) * rng.uniform(0.1, 100, n_features)
    X[rng.random(X.shape) < 0.05] = np.nan
    y = (np.nan_to_num(X) @ rng.normal(size=n_features) + rng.normal(size=300) > 0).astype(int)
    params = {
        "objective": "binary",
        "num_leaves": leaves,
        "min_data_in_leaf": 5,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbose": -1,
    }
    return lgb.train(params, lgb.Dataset(X, y), num_boost_round=trees)


model_shapes = st.tuples(
    st.integers(0, 2**31 - 1), st.integers(1, 6), st.integers(2, 24), st.integers(1, 40)
)
cells = st.floats(-1e6, 1e6, width=64) | st.just(float("nan"))  # NaN: a missing value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=model_shapes, data=st.data())
def test_base_plus_contributions_is_the_raw_score(
    shape: tuple[int, int, int, int], data: st.DataObject
) -> None:
    seed, n_features, leaves, trees = shape
    booster = _random_model(seed, n_features, leaves, trees)
    names = [f"signal_{i}" for i in range(n_features)]
    reference = dict.fromkeys(names, 0.0)
    rows = data.draw(
        hnp.arrays(np.float64, st.tuples(st.integers(1, 30), st.just(n_features)), elements=cells)
    )
    explainer = Explainer(booster, names, reference, _registry(names), chunk_rows=7)
    base, contrib = explainer.contributions(rows)
    raw = booster.predict(rows, raw_score=True)
    np.testing.assert_allclose(base + contrib.sum(axis=1), raw, rtol=0, atol=1e-6)
    one = explainer.explain_one(rows[0])
    assert abs(one.raw_score - raw[0]) <= 1e-6


@settings(max_examples=200, deadline=None)
@given(
    contrib=hnp.arrays(
        np.float64,
        st.tuples(st.integers(0, 20), st.integers(1, 8)),
        elements=st.floats(-5, 5, width=64),
    ),
    top=st.integers(0, 10),
    down=st.booleans(),
    data=st.data(),
)
def test_ranking_keeps_the_strongest_pushes_strongest_first(
    contrib: np.ndarray, top: int, down: bool, data: st.DataObject
) -> None:
    explainable = np.array(
        data.draw(st.lists(st.booleans(), min_size=contrib.shape[1], max_size=contrib.shape[1]))
    )
    rows, cols = top_cells(contrib, explainable, top, "down" if down else "up")
    push = -contrib if down else contrib
    assert np.all(np.diff(rows) >= 0)
    for i in range(len(contrib)):
        chosen = push[i, cols[rows == i]]
        eligible = push[i, explainable & (push[i] > 0)]
        expected = np.sort(eligible)[::-1][:top]
        np.testing.assert_array_equal(chosen, expected)
        assert np.all(explainable[cols[rows == i]])

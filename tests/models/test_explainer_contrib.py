"""The run's contributions are LightGBM's own TreeSHAP, spread over threads: the same numbers as
SHAP's TreeExplainer, the same reasons whichever path (batch, one row) computes them."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from features.registry import FeatureSpec
from models import explainer as explainer_module
from models.explainer import Explainer

FEATURES = ["downline_sales_share", "recruits_30d", "account_age_days", "avg_order_value"]


def _spec(name: str) -> FeatureSpec:
    return FeatureSpec(
        name=name,
        dtype="float64",
        group="structure",
        unit="count",
        riskier="higher",
        description_en=name,
        description_zh=name,
        reason_en=f"{name} is {{value}} (median {{reference}})",
        reason_zh=f"{name}为{{value}}（中位数{{reference}}）",
    )


def _accounts(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "downline_sales_share": rng.beta(1, 6, n),
            "recruits_30d": rng.poisson(2, n).astype("float64"),
            "account_age_days": rng.uniform(10, 1000, n),
            "avg_order_value": rng.lognormal(4, 0.5, n),
        }
    )
    # missing values take LightGBM's default branches: the contributions must agree there too
    frame.loc[rng.random(n) < 0.05, "avg_order_value"] = np.nan
    return frame


@pytest.fixture(scope="module")
def model() -> tuple[lgb.Booster, Explainer]:
    X = _accounts(3000, seed=1)
    logit = 6 * X["downline_sales_share"] + 0.4 * X["recruits_30d"] - X["account_age_days"] / 500
    y = (logit + np.random.default_rng(2).normal(0, 1, len(X)) > 2).astype(int)
    booster = lgb.train(
        {"objective": "binary", "num_leaves": 15, "verbose": -1, "seed": 3},
        lgb.Dataset(X, y),
        num_boost_round=60,
    )
    registry = {name: _spec(name) for name in FEATURES}
    medians = {name: float(X[name].median()) for name in FEATURES}
    return booster, Explainer(booster, FEATURES, medians, registry, chunk_rows=700)


def test_contributions_equal_shaps_tree_explainer(model: tuple[lgb.Booster, Explainer]) -> None:
    import shap

    booster, explainer = model
    X = _accounts(2500, seed=5)  # several chunks of 700 rows, several thread blocks
    base, ours = explainer.contributions(X)
    theirs = np.asarray(shap.TreeExplainer(booster).shap_values(X.to_numpy()), dtype="float64")
    np.testing.assert_allclose(ours, theirs.reshape(ours.shape), rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        ours.sum(axis=1) + base, booster.predict(X, raw_score=True), rtol=0, atol=1e-9
    )


def test_threaded_blocks_keep_row_order(
    model: tuple[lgb.Booster, Explainer], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, explainer = model
    X = _accounts(900, seed=7)
    monkeypatch.setattr(explainer_module, "_THREAD_ROWS", 64)  # 15 blocks over the threads
    _, blocked = explainer.contributions(X)
    one_by_one = np.vstack(
        [explainer._contributions_one(row) for row in X.to_numpy(dtype="float64")[:, None, :]]
    )
    np.testing.assert_array_equal(blocked, one_by_one)


def test_batch_reasons_are_the_one_account_reasons(model: tuple[lgb.Booster, Explainer]) -> None:
    _, explainer = model
    X = _accounts(300, seed=11)
    batch = explainer.reasons(X, top=3)
    for position in (0, 17, 299):
        row = X.iloc[position].to_dict()
        assert tuple(batch[position]) == explainer.explain_one(row, top=3).up


def test_no_rows_no_contributions(model: tuple[lgb.Booster, Explainer]) -> None:
    _, explainer = model
    base, contributions = explainer.contributions(_accounts(0, seed=1))
    assert contributions.shape == (0, len(FEATURES))
    assert explainer.reasons(_accounts(0, seed=1)) == []
    assert base == explainer.base_value

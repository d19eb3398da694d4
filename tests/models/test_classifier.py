from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from models.classifier import RiskClassifier
from models.errors import ModelError, ModelInputError

Split = dict[str, tuple[pd.DataFrame, np.ndarray]]


def test_fit_learns_trailing_underscore_state(fitted: RiskClassifier) -> None:
    assert fitted.feature_names_ == [
        "recruits_30d",
        "consumer_sales_share",
        "downline_size",
        "noise",
    ]
    assert fitted.booster_.num_trees() == fitted.best_iteration_
    assert fitted.calibrator_.method == "sigmoid"
    assert "booster_" not in fitted.get_params()


def test_probabilities_are_calibrated_and_rank_well(
    fitted: RiskClassifier, toy_split: Split
) -> None:
    X, y = toy_split["test"]
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert roc_auc_score(y, proba[:, 1]) > 0.9
    # class re-weighting inflates raw scores; calibration must bring them back near base rate
    assert abs(proba[:, 1].mean() - y.mean()) < 0.05
    raw_as_probability = 1 / (1 + np.exp(-fitted.raw_score(X)))
    assert brier_score_loss(y, proba[:, 1]) < brier_score_loss(y, raw_as_probability)


def test_raw_score_is_the_booster_log_odds(fitted: RiskClassifier, toy_split: Split) -> None:
    X, _ = toy_split["test"]
    contributions = np.asarray(fitted.booster_.predict(X.to_numpy(), pred_contrib=True))
    np.testing.assert_allclose(contributions.sum(axis=1), fitted.raw_score(X), atol=1e-9)


def test_same_seed_gives_identical_scores(toy_split: Split) -> None:
    (X, y), (X_val, y_val), (X_test, _) = toy_split["train"], toy_split["val"], toy_split["test"]
    first = RiskClassifier(n_estimators=60, random_state=5).fit(X, y, X_val, y_val)
    second = RiskClassifier(n_estimators=60, random_state=5).fit(X, y, X_val, y_val)
    np.testing.assert_array_equal(first.predict_proba(X_test), second.predict_proba(X_test))
    assert first.booster_.model_to_string() == second.booster_.model_to_string()


def test_explicit_calibration_set_and_sigmoid(toy_split: Split) -> None:
    (X, y), (X_val, y_val), (X_test, y_test) = (
        toy_split["train"],
        toy_split["val"],
        toy_split["test"],
    )
    model = RiskClassifier(n_estimators=60, calibration="sigmoid").fit(
        X, y, X_val, y_val, X_test, y_test
    )
    assert model.calibrator_.method == "sigmoid"
    assert model.calibrator_.a < 0  # higher log-odds -> higher probability


def test_missing_feature_is_named(fitted: RiskClassifier, toy_split: Split) -> None:
    X, _ = toy_split["test"]
    with pytest.raises(ModelInputError, match="downline_size"):
        fitted.predict_proba(X.drop(columns=["downline_size"]))


def test_one_class_training_data_is_refused(toy_split: Split) -> None:
    X, y = toy_split["train"]
    with pytest.raises(ModelError, match="both classes"):
        RiskClassifier().fit(X, np.zeros_like(y), X, y)


def test_feature_importance_ranks_the_real_signals(fitted: RiskClassifier) -> None:
    importance = fitted.feature_importance()
    assert set(importance.index[:2]) == {"recruits_30d", "consumer_sales_share"}

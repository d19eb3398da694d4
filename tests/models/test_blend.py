from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from models.blend import Blend, Shipped, model_log_odds
from models.calibration import ScoreCalibrator, fit_calibrator
from models.classifier import RiskClassifier
from models.errors import ModelError
from models.linear import LinearModel, fit_linear, signed_log
from models.mlflow_io import scorer_from_files, write_model_files
from models.reference import build_reference

Split = dict[str, tuple[pd.DataFrame, np.ndarray]]
NAMES = ["recruits_30d", "consumer_sales_share", "downline_size", "noise"]


@pytest.fixture(scope="module")
def linear(toy_split: Split) -> LinearModel:
    X, y = toy_split["train"]
    return fit_linear(X.to_numpy(), y, NAMES, seed=3)


def test_linear_model_is_scikit_learns_pipeline_as_numbers(
    linear: LinearModel, toy_split: Split
) -> None:
    X, y = toy_split["train"]
    pipeline = make_pipeline(
        FunctionTransformer(signed_log),
        StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=2000, random_state=3),
    ).fit(X.to_numpy(), y)
    X_test, _ = toy_split["test"]
    expected = pipeline.predict_proba(X_test.to_numpy())[:, 1]
    np.testing.assert_allclose(expit(linear.log_odds(X_test.to_numpy())), expected, atol=1e-12)
    again = LinearModel.from_dict(linear.to_dict())
    np.testing.assert_array_equal(again.log_odds(X_test.to_numpy()), linear.log_odds(X_test))


def test_calibrated_log_odds_match_the_probabilities(fitted: RiskClassifier) -> None:
    raw = np.linspace(-60, 60, 241)
    for calibrator in (
        fitted.calibrator_,
        ScoreCalibrator("isotonic", x=(-1.0, 0.0, 1.0), y=(0.0, 0.4, 1.0)),
    ):
        log_odds = calibrator.log_odds(raw)
        assert np.all(np.isfinite(log_odds)) and np.all(np.diff(log_odds) >= 0)
        inside = (calibrator.transform(raw) > 1e-6) & (calibrator.transform(raw) < 1 - 1e-6)
        np.testing.assert_allclose(expit(log_odds[inside]), calibrator.transform(raw)[inside])


def _blend(weight: float, fitted: RiskClassifier, linear: LinearModel, split: Split) -> Shipped:
    X_val, y_val = split["val"]
    linear_calibrator = fit_calibrator(linear.log_odds(X_val.to_numpy()), y_val, "sigmoid")
    blend = Blend(weight, fitted.calibrator_, linear, linear_calibrator)
    blended = model_log_odds(fitted.booster_, blend, X_val.to_numpy())
    return Shipped(fit_calibrator(blended, y_val, "sigmoid"), blend, training_prior=0.3)


@pytest.mark.parametrize("weight", [0.5, 0.0])
def test_a_shipped_blend_loads_and_scores_as_in_training(
    weight: float, fitted: RiskClassifier, linear: LinearModel, toy_split: Split, tmp_path: Path
) -> None:
    shipped = _blend(weight, fitted, linear, toy_split)
    X, y = toy_split["train"]
    X_test, _ = toy_split["test"]
    reference = build_reference(X.to_numpy(), NAMES, y, fitted.predict_proba(X)[:, 1])
    files = write_model_files(
        tmp_path, fitted, {"medium": 0.5, "high": 0.8, "critical": 0.95}, reference, {}, None,
        shipped,
    )  # fmt: skip
    scorer = scorer_from_files(files, name="m", version="1", run_id="r", model_uri="models:/m/1")
    expected = shipped.predict_proba(fitted.booster_, NAMES, X_test)
    np.testing.assert_array_equal(scorer.predict_proba(X_test), expected)
    assert scorer.kind == ("blend" if weight else "logistic_regression")
    assert scorer.training_prior == 0.3
    # SHAP still explains the booster: its raw score is LightGBM's, not the blend's
    np.testing.assert_array_equal(scorer.raw_score(X_test), fitted.raw_score(X_test))
    assert not np.allclose(scorer.predict_proba(X_test), fitted.predict_proba(X_test)[:, 1])


def test_the_logistic_regression_alone_keeps_its_own_calibration(
    fitted: RiskClassifier, linear: LinearModel, toy_split: Split
) -> None:
    X_val, y_val = toy_split["val"]
    calibrator = fit_calibrator(linear.log_odds(X_val.to_numpy()), y_val, "sigmoid")
    blend = Blend(0.0, fitted.calibrator_, linear, calibrator)
    identity = ScoreCalibrator("sigmoid", a=-1.0, b=0.0)
    X_test, _ = toy_split["test"]
    shipped = Shipped(identity, blend).predict_proba(fitted.booster_, NAMES, X_test)
    # bit for bit the calibrated baseline: the held-out comparison with it is exact
    np.testing.assert_array_equal(shipped, calibrator.transform(linear.log_odds(X_test)))


def test_a_model_without_blend_or_prior_loads_as_lightgbm_alone(
    fitted: RiskClassifier, toy_split: Split, tmp_path: Path
) -> None:
    X, y = toy_split["train"]
    reference = build_reference(X.to_numpy(), NAMES, y, fitted.predict_proba(X)[:, 1])
    files = write_model_files(tmp_path, fitted, {"medium": 0.5}, reference, {})
    assert "blend" not in files and "prior" not in files
    scorer = scorer_from_files(files, name="m", version="1", run_id="r", model_uri="models:/m/1")
    assert scorer.kind == "lightgbm" and scorer.training_prior is None
    X_test, _ = toy_split["test"]
    np.testing.assert_array_equal(scorer.predict_proba(X_test), fitted.predict_proba(X_test)[:, 1])
    with pytest.raises(ModelError, match="training scheme share"):
        scorer.for_platform(0.05)


def test_blend_weight_must_leave_room_for_lightgbm_alone(
    fitted: RiskClassifier, linear: LinearModel
) -> None:
    with pytest.raises(ModelError, match=r"\[0, 1\)"):
        Blend(1.0, fitted.calibrator_, linear, fitted.calibrator_)
    document = Blend(0.25, fitted.calibrator_, linear, fitted.calibrator_).to_dict()
    assert Blend.from_dict(document).weight == 0.25
    with pytest.raises(ModelError, match="broken blend"):
        Blend.from_dict({"weight_lightgbm": 0.5})

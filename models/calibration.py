"""Probability calibration of booster log-odds, stored as plain numbers (JSON), not pickles.

scikit-learn fits the calibration (``CalibratedClassifierCV`` on a frozen model); the fitted
curve is then kept as thresholds (isotonic) or two coefficients (sigmoid) so that a loaded model
reproduces the same probabilities without unpickling estimators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.frozen import FrozenEstimator

from models.errors import ModelError

CalibrationMethod = Literal["isotonic", "sigmoid"]
LOG_ODDS_EPSILON = 1e-9  # isotonic curves reach 0 and 1: their log-odds are kept finite


@dataclass(frozen=True)
class ScoreCalibrator:
    """Maps booster log-odds to calibrated P(positive)."""

    method: CalibrationMethod
    x: tuple[float, ...] = ()  # isotonic: raw-score thresholds (increasing)
    y: tuple[float, ...] = ()  # isotonic: calibrated probability at each threshold
    a: float = 0.0  # sigmoid: P = expit(-(a * raw + b)), scikit-learn's Platt convention
    b: float = 0.0

    def transform(self, raw_score: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities for booster log-odds (1-D)."""
        raw = np.asarray(raw_score, dtype=np.float64)
        if self.method == "isotonic":
            # IsotonicRegression(out_of_bounds="clip") interpolates linearly between thresholds.
            probability = np.interp(raw, np.asarray(self.x), np.asarray(self.y))
        else:
            probability = expit(-(self.a * raw + self.b))
        return np.clip(probability, 0.0, 1.0)

    def log_odds(self, raw_score: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated log-odds, logit(transform(raw)), without saturating: for Platt scaling the
        linear part itself; for isotonic the logit of the probability kept inside
        [``LOG_ODDS_EPSILON``, 1 - ``LOG_ODDS_EPSILON``]."""
        raw = np.asarray(raw_score, dtype=np.float64)
        if self.method == "sigmoid":
            return -(self.a * raw + self.b)
        probability = np.clip(self.transform(raw), LOG_ODDS_EPSILON, 1.0 - LOG_ODDS_EPSILON)
        return np.asarray(logit(probability), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "method": self.method,
            "x": list(self.x),
            "y": list(self.y),
            "a": self.a,
            "b": self.b,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreCalibrator:
        """Inverse of :meth:`to_dict`."""
        if data.get("method") not in ("isotonic", "sigmoid"):
            raise ModelError(
                f"unknown calibration method in model artifact: {data.get('method')!r}"
            )
        return cls(
            method=data["method"],
            x=tuple(float(v) for v in data.get("x", ())),
            y=tuple(float(v) for v in data.get("y", ())),
            a=float(data.get("a", 0.0)),
            b=float(data.get("b", 0.0)),
        )


class _RawScores(ClassifierMixin, BaseEstimator):
    """A stand-in estimator whose decision function is a precomputed column of log-odds."""

    def fit(self, X: NDArray[np.float64], y: NDArray[np.int_]) -> _RawScores:
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(X, dtype=np.float64)[:, 0]

    def predict(self, X: NDArray[np.float64]) -> NDArray[np.int_]:
        return (self.decision_function(X) > 0).astype(int)


def fit_calibrator(
    raw_score: NDArray[np.float64], y: NDArray[np.int_], method: CalibrationMethod
) -> ScoreCalibrator:
    """Fit a calibration curve on held-out log-odds with scikit-learn and keep its numbers."""
    # lazy: sklearn.calibration adds ~0.7 s; models.mlflow_io (API start-up) imports this
    from sklearn.calibration import CalibratedClassifierCV

    y = np.asarray(y).astype(int)
    if len(np.unique(y)) < 2:
        raise ModelError("calibration data must contain both classes (legitimate and pyramid)")
    column = np.asarray(raw_score, dtype=np.float64).reshape(-1, 1)
    frozen = FrozenEstimator(_RawScores().fit(column, y))
    fitted = CalibratedClassifierCV(frozen, method=method).fit(column, y)
    curve = fitted.calibrated_classifiers_[0].calibrators[0]
    if method == "isotonic":
        return ScoreCalibrator(
            method="isotonic",
            x=tuple(float(v) for v in curve.X_thresholds_),
            y=tuple(float(v) for v in curve.y_thresholds_),
        )
    return ScoreCalibrator(method="sigmoid", a=float(curve.a_), b=float(curve.b_))

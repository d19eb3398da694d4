"""The logistic-regression model as plain numbers: what the baseline is, and what a blend ships.

Fitted with scikit-learn (signed log, standardisation, class-balanced logistic regression), then
kept as five arrays so that a registered model scores without unpickling an estimator, and the
baseline evaluated in training and the one shipped inside a blend are the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.errors import ModelError


def signed_log(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """sign(x)·log(1 + |x|): money and counts are heavy-tailed; a log keeps a linear model from
    being ruled by outliers."""
    return np.sign(values) * np.log1p(np.abs(values))


@dataclass(frozen=True)
class LinearModel:
    """log-odds = intercept + Σ coef·(signed_log(x) - mean) / scale."""

    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def __post_init__(self) -> None:
        n = len(self.feature_names)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ModelError("linear model: feature names, mean, scale and coef differ in length")

    def log_odds(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log-odds per row of a matrix whose columns are ``feature_names`` in order. A missing
        value counts as the training mean (contributes nothing); training data held none."""
        values = np.asarray(matrix, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != len(self.feature_names):
            raise ModelError(
                f"linear model expects {len(self.feature_names)} columns, got {values.shape}"
            )
        standard = (signed_log(values) - np.asarray(self.mean)) / np.asarray(self.scale)
        standard = np.where(np.isnan(standard), 0.0, standard)
        return np.asarray(standard @ np.asarray(self.coef) + self.intercept, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "feature_names": list(self.feature_names),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(
                feature_names=tuple(str(n) for n in data["feature_names"]),
                mean=tuple(float(v) for v in data["mean"]),
                scale=tuple(float(v) for v in data["scale"]),
                coef=tuple(float(v) for v in data["coef"]),
                intercept=float(data["intercept"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"broken linear model in model artifact: {error}") from error


def fit_linear(
    matrix: NDArray[np.float64],
    y: Sequence[int] | NDArray[np.int_],
    feature_names: Sequence[str],
    seed: int,
) -> LinearModel:
    """Fit a class-balanced logistic regression on signed-log, standardised features."""
    # lazy: sklearn.linear_model adds ~0.9 s; models.mlflow_io (API start-up) imports this
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    transformed = signed_log(np.asarray(matrix, dtype=np.float64))
    scaler = StandardScaler().fit(transformed)
    model = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed)
    model.fit(scaler.transform(transformed), np.asarray(y).astype(np.int64))
    return LinearModel(
        feature_names=tuple(str(n) for n in feature_names),
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) for v in scaler.scale_),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
    )

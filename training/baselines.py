"""Baselines the model must beat: logistic regression on the same features (rules come in
from the caller, because training may not import the application's rule packs)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

Scorer = Callable[[pd.DataFrame], NDArray[np.float64]]


def _signed_log(values: NDArray[np.float64]) -> NDArray[np.float64]:
    # Money and counts are heavy-tailed; a log keeps a linear model from being ruled by outliers.
    return np.sign(values) * np.log1p(np.abs(values))


def logistic_regression_baseline(
    X: pd.DataFrame, y: NDArray[np.int_], feature_names: list[str], seed: int
) -> Scorer:
    """Fit a class-balanced logistic regression on log-scaled, standardized features."""
    model = make_pipeline(
        FunctionTransformer(_signed_log),
        StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed),
    )
    model.fit(X[feature_names].to_numpy(dtype=np.float64), y)

    def score(frame: pd.DataFrame) -> NDArray[np.float64]:
        matrix = frame[feature_names].to_numpy(dtype=np.float64)
        return np.asarray(model.predict_proba(matrix)[:, 1], dtype=np.float64)

    return score

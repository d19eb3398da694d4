"""Baselines the model must beat: logistic regression on the same features (rules come in
from the caller, because training may not import the application's rule packs)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit

from models.classifier import feature_matrix
from models.linear import LinearModel, fit_linear

Scorer = Callable[[pd.DataFrame], NDArray[np.float64]]


def fit_logistic(
    X: pd.DataFrame, y: NDArray[np.int_], feature_names: list[str], seed: int
) -> LinearModel:
    """A class-balanced logistic regression on log-scaled, standardized features, as numbers
    (the same model is the baseline and, when it ships, part of the registered model)."""
    return fit_linear(feature_matrix(X, feature_names), y, feature_names, seed)


def linear_scorer(model: LinearModel) -> Scorer:
    """P(scheme) of the logistic regression (class-balanced, so not calibrated to any prior)."""
    names = list(model.feature_names)

    def score(frame: pd.DataFrame) -> NDArray[np.float64]:
        return np.asarray(expit(model.log_odds(feature_matrix(frame, names))), dtype=np.float64)

    return score


def logistic_regression_baseline(
    X: pd.DataFrame, y: NDArray[np.int_], feature_names: list[str], seed: int
) -> Scorer:
    """Fit a class-balanced logistic regression on log-scaled, standardized features."""
    return linear_scorer(fit_logistic(X, y, feature_names, seed))

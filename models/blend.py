"""What ships when LightGBM alone is not the best scorer: a blend with the logistic regression.

Each model's score is first put on one scale, its own calibrated log-odds (each calibrated on
the same held-out calibration networks), then averaged with weight ``weight`` on LightGBM:

    z = w · logit P_lightgbm(x) + (1 - w) · logit P_logistic(x)

(a weighted geometric mean of the two models' odds). The registered model's calibrator then
maps ``z`` to the probability that is banded and stored, as it maps LightGBM's log-odds when
LightGBM ships alone. ``w = 0`` is the logistic regression alone. Explanations (TreeSHAP) still
come from the LightGBM booster: they explain the LightGBM part of the blend only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.calibration import ScoreCalibrator
from models.classifier import feature_matrix
from models.errors import ModelError
from models.linear import LinearModel

LIGHTGBM = "lightgbm"
BLEND = "blend"
LOGISTIC = "logistic_regression"


@dataclass(frozen=True)
class Blend:
    """LightGBM's and the logistic regression's calibrated log-odds, averaged."""

    weight: float  # on LightGBM, in [0, 1); 0 = the logistic regression alone
    lightgbm_calibrator: ScoreCalibrator
    linear: LinearModel
    linear_calibrator: ScoreCalibrator

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight < 1.0:
            raise ModelError(f"blend weight on LightGBM must be in [0, 1), got {self.weight}")

    @property
    def kind(self) -> str:
        """``blend``, or ``logistic_regression`` when LightGBM has no weight."""
        return LOGISTIC if self.weight == 0.0 else BLEND

    def log_odds(
        self, booster_log_odds: NDArray[np.float64], matrix: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """The blended log-odds of rows (booster raw scores, the model's input matrix)."""
        linear = self.linear_calibrator.log_odds(self.linear.log_odds(matrix))
        if self.weight == 0.0:
            return linear
        tree = self.lightgbm_calibrator.log_odds(booster_log_odds)
        return np.asarray(self.weight * tree + (1.0 - self.weight) * linear, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the registered model's ``blend.json``)."""
        return {
            "kind": self.kind,
            "weight_lightgbm": self.weight,
            "lightgbm_calibration": self.lightgbm_calibrator.to_dict(),
            "linear": self.linear.to_dict(),
            "linear_calibration": self.linear_calibrator.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Blend:
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(
                weight=float(data["weight_lightgbm"]),
                lightgbm_calibrator=ScoreCalibrator.from_dict(data["lightgbm_calibration"]),
                linear=LinearModel.from_dict(data["linear"]),
                linear_calibrator=ScoreCalibrator.from_dict(data["linear_calibration"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"broken blend in model artifact: {error}") from error


def model_log_odds(
    booster: Any, blend: Blend | None, matrix: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The log-odds the registered model's calibrator maps: LightGBM's raw score, or the blend's.
    One function for training's evaluation and for the loaded scorer, so both score alike."""
    if blend is not None and blend.weight == 0.0:  # the logistic regression alone
        return blend.log_odds(np.zeros(len(matrix)), matrix)
    raw = np.asarray(booster.predict(matrix, raw_score=True), dtype=np.float64)
    return raw if blend is None else blend.log_odds(raw, matrix)


def shipped_kind(blend: Blend | None) -> str:
    """What the registered model scores with: ``lightgbm``, ``blend`` or ``logistic_regression``."""
    return LIGHTGBM if blend is None else blend.kind


@dataclass(frozen=True)
class Shipped:
    """What turns the booster into the registered model's probability: the calibrator, the
    blend with the logistic regression if one ships, and the scheme share it was calibrated at
    (written beside the booster; ``RiskScorer`` scores with the same functions)."""

    calibrator: ScoreCalibrator
    blend: Blend | None = None
    training_prior: float | None = None

    @property
    def kind(self) -> str:
        """``lightgbm``, ``blend`` or ``logistic_regression``."""
        return shipped_kind(self.blend)

    def predict_proba(
        self, booster: Any, feature_names: list[str], X: pd.DataFrame
    ) -> NDArray[np.float64]:
        """Calibrated probability per row of a feature table."""
        matrix = feature_matrix(X, feature_names)
        return self.calibrator.transform(model_log_odds(booster, self.blend, matrix))

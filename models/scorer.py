"""What loading a registered model returns: a ready scorer with its thresholds and references."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit

from models.bands import assign_bands
from models.blend import Blend, model_log_odds, shipped_kind
from models.calibration import ScoreCalibrator
from models.classifier import feature_matrix
from models.errors import ModelError
from models.platform_stack import PlatformStack
from models.prior_shift import adjust_posteriors
from models.reference import legitimate_medians
from models.roles import RoleModel


@dataclass(frozen=True)
class RiskScorer:
    """A trained, calibrated model as the batch job and the API use it."""

    name: str
    version: str
    run_id: str
    model_uri: str
    feature_names: tuple[str, ...]
    thresholds: Mapping[str, float]
    reference: Mapping[str, Any]
    metrics: Mapping[str, Any]
    booster: Any = field(repr=False)  # lightgbm.Booster
    calibrator: ScoreCalibrator = field(repr=False)
    role_model: RoleModel | None = field(default=None, repr=False)  # None: registered without
    # None: LightGBM alone; else the blend with the logistic regression that ships instead
    blend: Blend | None = field(default=None, repr=False)
    # scheme share the calibration was fitted at (None: registered before it was recorded)
    training_prior: float | None = None
    # scheme share of the platform being scored, when a run adjusted the posteriors to it
    platform_prior: float | None = None
    # trees boosted on a platform's decided accounts, added to the calibrated log-odds
    # (training/continued.py); None: the model as trained on the simulators
    residual: Any = field(default=None, repr=False)  # lightgbm.Booster
    # a model of the platform fitted on its decided accounts, stacked on the calibrated
    # log-odds (training/stacking.py); None: the champion's log-odds as they are
    stack: PlatformStack | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """``name/version``: what the score output records as ``model_version``."""
        return f"{self.name}/{self.version}"

    @property
    def reference_medians(self) -> dict[str, float]:
        """Feature -> median among legitimate training accounts (for explanations)."""
        return legitimate_medians(dict(self.reference))

    def matrix(self, X: pd.DataFrame) -> NDArray[np.float64]:
        """The model's input columns of a feature table, in order, as float64."""
        return feature_matrix(X, self.feature_names)

    @property
    def kind(self) -> str:
        """What scores: ``lightgbm``, ``blend`` or ``logistic_regression`` (explanations always
        come from the LightGBM booster)."""
        return shipped_kind(self.blend)

    def raw_score(self, X: pd.DataFrame | NDArray[np.float64]) -> NDArray[np.float64]:
        """Booster log-odds (what SHAP contributions add up to)."""
        matrix = self.matrix(X) if isinstance(X, pd.DataFrame) else np.asarray(X, np.float64)
        return np.asarray(self.booster.predict(matrix, raw_score=True), dtype=np.float64)

    def model_log_odds(self, X: pd.DataFrame | NDArray[np.float64]) -> NDArray[np.float64]:
        """The log-odds the calibrator maps: the booster's, or the blend's when one ships."""
        matrix = self.matrix(X) if isinstance(X, pd.DataFrame) else np.asarray(X, np.float64)
        return model_log_odds(self.booster, self.blend, matrix)

    def predict_proba(self, X: pd.DataFrame | NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated P(the account takes part in a pyramid-style scheme), one per row; on the
        platform's scheme share when ``platform_prior`` is set (``for_platform``)."""
        return self.on_platform(self.calibrated(X))

    def calibrated(self, X: pd.DataFrame | NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities as trained, with the platform residual when there is one."""
        log_odds = self.model_log_odds(X)
        if self.residual is None and self.stack is None:
            return self.calibrator.transform(log_odds)
        matrix = self.matrix(X) if isinstance(X, pd.DataFrame) else np.asarray(X, np.float64)
        calibrated = self.calibrator.log_odds(log_odds)
        if self.residual is not None:
            calibrated = calibrated + np.asarray(
                self.residual.predict(matrix, raw_score=True), dtype=np.float64
            )
        if self.stack is not None:
            calibrated = self.stack.log_odds(calibrated, matrix)
        return np.asarray(expit(calibrated))

    def on_platform(self, calibrated: NDArray[np.float64]) -> NDArray[np.float64]:
        """Scores as calibrated in training, adjusted to ``platform_prior`` when it is set."""
        if self.platform_prior is None or self.training_prior is None:
            return calibrated
        return adjust_posteriors(calibrated, self.training_prior, self.platform_prior)

    def for_platform(self, prior: float | None) -> RiskScorer:
        """This scorer with posteriors adjusted to a platform whose scheme share is ``prior``
        (None: as calibrated in training)."""
        if prior is not None and self.training_prior is None:
            raise ModelError(
                f"model {self.label} records no training scheme share: its posteriors cannot be "
                "adjusted to a platform's (retrain it to record one)"
            )
        return replace(self, platform_prior=prior)

    def bands(self, scores: NDArray[np.float64]) -> NDArray[np.str_]:
        """Band name per calibrated score, by the thresholds stored with the model."""
        return assign_bands(scores, self.thresholds)

    def likely_roles(
        self, X: pd.DataFrame | NDArray[np.float64]
    ) -> tuple[NDArray[np.object_], NDArray[np.float64]] | None:
        """(most likely scheme role, P(role | takes part)) per row; None without a role model."""
        if self.role_model is None:
            return None
        matrix = self.matrix(X) if isinstance(X, pd.DataFrame) else np.asarray(X, np.float64)
        return self.role_model.likely_roles(matrix)

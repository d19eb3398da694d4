"""The risk classifier: a LightGBM booster on the registry's features, then calibrated.

scikit-learn conventions: ``__init__`` stores parameters, ``fit`` returns self, learned state
ends in ``_``. Deterministic for a given ``random_state`` (LightGBM ``deterministic``,
``force_row_wise``, fixed seeds and thread count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin

from models.calibration import CalibrationMethod, ScoreCalibrator, fit_calibrator
from models.ensemble import average_boosters
from models.errors import ModelError, ModelInputError


def feature_matrix(X: pd.DataFrame, feature_names: Sequence[str]) -> NDArray[np.float64]:
    """The model's input columns, in the model's order, as float64 (missing values -> NaN)."""
    missing = [name for name in feature_names if name not in X.columns]
    if missing:
        raise ModelInputError(f"feature table lacks model features: {', '.join(missing[:10])}")
    columns = X[list(feature_names)]
    non_numeric = [
        name for name in feature_names if not pd.api.types.is_numeric_dtype(columns[name].dtype)
    ]
    if non_numeric:
        raise ModelInputError(f"model features must be numeric: {', '.join(non_numeric[:10])}")
    return columns.to_numpy(dtype=np.float64, na_value=np.nan)


def tree_params(model: Any) -> dict[str, Any]:
    """The LightGBM settings every model of ours shares: tree shape, bagging and determinism
    (read from the estimator's scikit-learn parameters of the same names)."""
    return {
        "learning_rate": model.learning_rate,
        "num_leaves": model.num_leaves,
        "min_child_samples": model.min_child_samples,
        "bagging_fraction": model.subsample,
        "bagging_freq": 1 if model.subsample < 1.0 else 0,
        "feature_fraction": model.colsample_bytree,
        "lambda_l2": model.reg_lambda,
        "seed": model.random_state,
        "bagging_seed": model.random_state,
        "feature_fraction_seed": model.random_state,
        "data_random_seed": model.random_state,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": model.n_jobs,
        "verbosity": -1,
    }


class RiskClassifier(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees with early stopping, class re-weighting and held-out calibration."""

    def __init__(
        self,
        n_estimators: int = 1000,
        learning_rate: float = 0.1,
        num_leaves: int = 15,
        min_child_samples: int = 100,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        # long patience: the stopping set holds few scheme networks, so its loss jumps when
        # one large network flips; stopping at the first jump left seeds far apart
        early_stopping_rounds: int = 200,
        balance_classes: bool = True,
        calibration: CalibrationMethod = "sigmoid",
        feature_directions: Mapping[str, int] | None = None,
        random_state: int = 7,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.early_stopping_rounds = early_stopping_rounds
        self.balance_classes = balance_classes
        self.calibration = calibration
        self.feature_directions = feature_directions
        self.random_state = random_state
        self.n_jobs = n_jobs

    def lightgbm_params(self, y: NDArray[np.int_], feature_names: Sequence[str]) -> dict[str, Any]:
        """LightGBM parameters for training on labels ``y`` (class weight depends on them)."""
        positives = int(np.sum(y == 1))
        negatives = int(len(y) - positives)
        # Schemes are the minority; up-weighting them keeps the trees from ignoring small
        # positive networks. Calibration afterwards undoes the shift in probabilities.
        scale = negatives / positives if self.balance_classes and positives else 1.0
        params: dict[str, Any] = {
            "objective": "binary",
            "metric": ["binary_logloss", "average_precision"],
            "first_metric_only": True,
            "scale_pos_weight": scale,
            **tree_params(self),
        }
        if self.feature_directions:
            # +1: risk may only rise with the feature, -1: only fall, 0: free. Declared
            # directions keep the trees from learning a platform's quirks backwards.
            directions = self.feature_directions
            params["monotone_constraints"] = [int(directions.get(n, 0)) for n in feature_names]
            params["monotone_constraints_method"] = "advanced"
        return params

    def fit(
        self,
        X: pd.DataFrame,
        y: Sequence[int] | NDArray[np.int_] | pd.Series,
        X_val: pd.DataFrame,
        y_val: Sequence[int] | NDArray[np.int_] | pd.Series,
        X_cal: pd.DataFrame | None = None,
        y_cal: Sequence[int] | NDArray[np.int_] | pd.Series | None = None,
        sample_weight: NDArray[np.float64] | None = None,
        member_of: NDArray[np.int_] | None = None,
        stop_member_of: NDArray[np.int_] | None = None,
    ) -> RiskClassifier:
        """Train on ``X``; stop early on ``X_val``; calibrate on ``X_cal`` (default: half of
        ``X_val``, the half not used for stopping), data the booster never trained on.
        ``sample_weight`` weighs training rows (e.g. so each network counts alike).
        ``member_of`` (one per training row: -1 = every member, else a member's number) trains
        one booster per member on its rows and ships their average (``models.ensemble``);
        ``stop_member_of`` (one per stopping row, the same marks) stops each on its own rows."""
        # lazy: lightgbm adds ~0.5 s to import; models.mlflow_io (API start-up) imports this
        import lightgbm as lgb

        self.feature_names_ = [str(name) for name in X.columns]
        y_fit = _labels(y)
        if len(np.unique(y_fit)) < 2:
            raise ModelError("training data must contain both classes (legitimate and pyramid)")
        X_stop, y_stop, X_cal, y_cal_arr = self._stop_and_calibration_sets(
            X_val, y_val, X_cal, y_cal
        )
        matrix = feature_matrix(X, self.feature_names_)
        weights = None if sample_weight is None else np.asarray(sample_weight)
        stop_matrix = feature_matrix(X_stop, self.feature_names_)
        members = member_rows(len(y_fit), member_of)
        stops = (
            member_rows(len(y_stop), stop_member_of)
            if stop_member_of is not None
            else [np.arange(len(y_stop))] * len(members)
        )
        if len(stops) != len(members):
            raise ModelError(f"{len(members)} members but {len(stops)} sets to stop them on")
        boosters = [
            self._boost(
                lgb,
                matrix[rows],
                y_fit[rows],
                None if weights is None else weights[rows],
                stop_matrix[stop],
                y_stop[stop],
            )
            for rows, stop in zip(members, stops, strict=True)
        ]
        self.best_iteration_ = round(float(np.mean([b.current_iteration() for b in boosters])))
        self.members_ = len(boosters)
        # one booster for every consumer (scores, TreeSHAP, the registry): the members' mean
        self.booster_ = average_boosters(boosters)
        self.calibrator_: ScoreCalibrator = fit_calibrator(
            self.raw_score(X_cal), y_cal_arr, self.calibration
        )
        self.classes_ = np.array([0, 1])
        return self

    def _boost(
        self,
        lgb: Any,
        matrix: NDArray[np.float64],
        y: NDArray[np.int_],
        weights: NDArray[np.float64] | None,
        stop_matrix: NDArray[np.float64],
        y_stop: NDArray[np.int_],
    ) -> Any:
        """One booster, stopped early, cut to its best iteration."""
        train_set = lgb.Dataset(matrix, y, weight=weights, feature_name=self.feature_names_)
        stop_set = train_set.create_valid(stop_matrix, y_stop)
        booster = lgb.train(
            self.lightgbm_params(y, self.feature_names_),
            train_set,
            num_boost_round=self.n_estimators,
            valid_sets=[stop_set],
            callbacks=[
                # the callback ignores the params' first_metric_only: without it, it stops
                # on whichever metric stalls first (average precision hits 1.0 within a
                # few trees on a stopping set of few scheme networks)
                lgb.early_stopping(
                    self.early_stopping_rounds, first_metric_only=True, verbose=False
                )
            ],
        )
        best = int(booster.best_iteration or booster.current_iteration())
        # Keep only the trees up to the best iteration so every consumer predicts the same way.
        return lgb.Booster(model_str=booster.model_to_string(num_iteration=best))

    def _stop_and_calibration_sets(
        self,
        X_val: pd.DataFrame,
        y_val: Any,
        X_cal: pd.DataFrame | None,
        y_cal: Any,
    ) -> tuple[pd.DataFrame, NDArray[np.int_], pd.DataFrame, NDArray[np.int_]]:
        if X_cal is not None and y_cal is not None:
            return X_val, _labels(y_val), X_cal, _labels(y_cal)
        # lazy: sklearn.model_selection adds ~0.6 s; models.mlflow_io (API start-up) imports this
        from sklearn.model_selection import train_test_split

        labels = _labels(y_val)
        stop_idx, cal_idx = train_test_split(
            np.arange(len(labels)), test_size=0.5, stratify=labels, random_state=self.random_state
        )
        return X_val.iloc[stop_idx], labels[stop_idx], X_val.iloc[cal_idx], labels[cal_idx]

    def raw_score(self, X: pd.DataFrame) -> NDArray[np.float64]:
        """Booster log-odds (before calibration): the quantity SHAP contributions add up to."""
        matrix = feature_matrix(X, self.feature_names_)
        return np.asarray(self.booster_.predict(matrix, raw_score=True), dtype=np.float64)

    def predict_proba(self, X: pd.DataFrame) -> NDArray[np.float64]:
        """Calibrated probabilities, columns (legitimate, pyramid)."""
        positive = self.calibrator_.transform(self.raw_score(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: pd.DataFrame) -> NDArray[np.int_]:
        """Class labels at probability 0.5 (bands, not this, drive moderation)."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def feature_importance(self) -> pd.Series:
        """Total gain per feature, largest first."""
        gain = self.booster_.feature_importance(importance_type="gain")
        return pd.Series(gain, index=self.feature_names_, name="gain").sort_values(ascending=False)


def member_rows(count: int, member_of: NDArray[np.int_] | None) -> list[NDArray[np.int_]]:
    """Row positions each member trains on: rows marked -1 in every member, the others in
    their own member's (all rows, one member, when ``member_of`` is None)."""
    if member_of is None:
        return [np.arange(count)]
    member_of = np.asarray(member_of)
    if len(member_of) != count:
        raise ModelError(f"member_of has {len(member_of)} entries for {count} training rows")
    members = sorted(int(m) for m in np.unique(member_of[member_of >= 0]))
    if not members:
        return [np.arange(count)]
    shared = member_of < 0
    return [np.flatnonzero(shared | (member_of == m)) for m in members]


def _labels(y: Any) -> NDArray[np.int_]:
    return np.asarray(y).astype(np.int64)

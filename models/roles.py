"""The role model: which part a scheme account plays (organizer, recruiter or participant).

Moderators act mostly on organizers and recruiters; participants at the bottom of a scheme are
often its victims. The risk score cannot tell them apart (all take part), so a second, small
LightGBM multi-class model, trained on scheme accounts only, estimates the role of an account
*if* it takes part. Same conventions as :class:`models.classifier.RiskClassifier`:
scikit-learn style, deterministic for a given ``random_state``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin

from models.classifier import feature_matrix, tree_params
from models.errors import ModelError
from models.vocab import SCHEME_ROLES


class RoleClassifier(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees over the risk features, one class per scheme role."""

    def __init__(
        self,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 50,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        balance_classes: bool = True,
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
        self.balance_classes = balance_classes
        self.random_state = random_state
        self.n_jobs = n_jobs

    def lightgbm_params(self) -> dict[str, Any]:
        """LightGBM parameters (multi-class soft-max over :data:`SCHEME_ROLES`)."""
        return {
            "objective": "multiclass",
            "num_class": len(SCHEME_ROLES),
            **tree_params(self),
        }

    def fit(
        self,
        X: pd.DataFrame,
        roles: Sequence[str] | pd.Series,
        sample_weight: NDArray[np.float64] | None = None,
    ) -> RoleClassifier:
        """Train on scheme accounts ``X`` with their ``roles`` (names from SCHEME_ROLES)."""
        # lazy: lightgbm adds ~0.5 s to import; models.mlflow_io (API start-up) imports this
        import lightgbm as lgb

        self.feature_names_ = [str(name) for name in X.columns]
        y = role_codes(roles)
        if len(np.unique(y)) < 2:
            raise ModelError("role training data must hold at least two scheme roles")
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        if self.balance_classes:
            # one organizer heads many participants: without re-weighting the trees would
            # call nearly everyone a participant, the role moderators need least
            counts = np.bincount(y, minlength=len(SCHEME_ROLES)).astype(np.float64)
            per_class = len(y) / len(SCHEME_ROLES) / np.maximum(counts, 1.0)
            weight = weight * per_class[y]
        matrix = feature_matrix(X, self.feature_names_)
        train_set = lgb.Dataset(matrix, y, weight=weight, feature_name=self.feature_names_)
        self.booster_ = lgb.train(self.lightgbm_params(), train_set, self.n_estimators)
        self.classes_ = np.array(SCHEME_ROLES)
        return self

    def predict_proba(self, X: pd.DataFrame) -> NDArray[np.float64]:
        """P(role | the account takes part in a scheme), columns in SCHEME_ROLES order."""
        matrix = feature_matrix(X, self.feature_names_)
        return np.asarray(self.booster_.predict(matrix), dtype=np.float64)

    def predict(self, X: pd.DataFrame) -> NDArray[np.str_]:
        """The most likely role per row."""
        return np.asarray(self.classes_[np.argmax(self.predict_proba(X), axis=1)])

    def to_json(self) -> str:
        """The artifact: class order and the booster as LightGBM text, in one JSON file."""
        document = {"classes": list(self.classes_), "booster": self.booster_.model_to_string()}
        return json.dumps(document)


def role_codes(roles: Sequence[str] | pd.Series) -> NDArray[np.int_]:
    """Role names as class indices; anything else is an error naming the value."""
    names = pd.Series(np.asarray(roles, dtype=object)).astype(str)
    unknown = sorted(set(names) - set(SCHEME_ROLES))
    if unknown:
        raise ModelError(f"unknown scheme role(s) {', '.join(unknown)}: use {SCHEME_ROLES}")
    return names.map({name: i for i, name in enumerate(SCHEME_ROLES)}).to_numpy(np.int64)


@dataclass(frozen=True)
class RoleModel:
    """A loaded role model, as the scorer uses it (the risk model's features and order)."""

    classes: tuple[str, ...]
    booster: Any = field(repr=False)  # lightgbm.Booster

    @classmethod
    def from_json(cls, text: str) -> RoleModel:
        """Read the artifact written by :meth:`RoleClassifier.to_json`."""
        # lazy: lightgbm adds ~0.5 s to import; models.mlflow_io (API start-up) imports this
        import lightgbm as lgb

        document = json.loads(text)
        classes = tuple(str(name) for name in document["classes"])
        if set(classes) != set(SCHEME_ROLES):
            raise ModelError(f"role model classes {classes} are not {SCHEME_ROLES}")
        return cls(classes, lgb.Booster(model_str=document["booster"]))

    def likely_roles(
        self, matrix: NDArray[np.float64]
    ) -> tuple[NDArray[np.object_], NDArray[np.float64]]:
        """(most likely role, its probability) per row of a model input matrix."""
        if not len(matrix):
            return np.empty(0, dtype=object), np.empty(0, dtype=np.float64)
        probabilities = np.asarray(self.booster.predict(matrix), dtype=np.float64)
        best = np.argmax(probabilities, axis=1)
        names = np.asarray(self.classes, dtype=object)[best]
        return names, probabilities[np.arange(len(best)), best]

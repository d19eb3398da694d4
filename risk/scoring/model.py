"""Adapters between a scoring run and the blocks it drives: the scorer, explainer, rule packs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from features.registry import REGISTRY
from models.explainer import Explainer
from risk.indicators.engine import evaluate_indicators
from risk.scoring.drift import drift_report
from risk.scoring.stages import ReasonsFn
from risk.vocab import EXPLAINED_BANDS, SHOWN_FEATURES

if TYPE_CHECKING:
    from models.explain_text import Reason
    from models.scorer import RiskScorer

REASONS_PER_ACCOUNT = 8  # candidates: readers show the principal four of them
STRONGEST_FEATURES = 12  # how many of the model's strongest features keep percentiles


def load_model(model_ref: str, tracking_uri: str) -> RiskScorer:
    """The registered model's scorer (thresholds, reference) from the MLflow registry."""
    # lazy: models.mlflow_io brings scikit-learn (~2 s); importing risk.scoring stays light
    from models.mlflow_io import load_scorer

    return load_scorer(model_ref, tracking_uri)


def score_accounts(model_input: pd.DataFrame, scorer: RiskScorer) -> tuple[pd.Series, pd.Series]:
    """Calibrated score and band of every account of the model input (same index)."""
    scores = np.asarray(scorer.predict_proba(model_input), dtype="float64")
    return banded(pd.Series(scores, index=model_input.index, name="score"), scorer)


def banded(scores: pd.Series, scorer: RiskScorer) -> tuple[pd.Series, pd.Series]:
    """The scores and the band of each, by the model's thresholds."""
    bands = pd.Series(np.asarray(scorer.bands(scores.to_numpy())), index=scores.index, name="band")
    return scores, bands


def likely_roles(
    model_input: pd.DataFrame, bands: pd.Series | np.ndarray, scorer: RiskScorer
) -> tuple[pd.Series, pd.Series]:
    """Likely scheme role and P(role | takes part) of accounts at band medium or above; missing
    for the others, and for every account when the model was registered without a role model."""
    role = pd.Series(None, index=model_input.index, dtype=object, name="role")
    probability = pd.Series(np.nan, index=model_input.index, dtype="float64")
    chosen = np.flatnonzero(np.isin(np.asarray(bands, dtype=str), EXPLAINED_BANDS))
    found = scorer.likely_roles(model_input.iloc[chosen])
    if found is not None:
        role.iloc[chosen], probability.iloc[chosen] = found
    return role, probability.rename("role_probability")


def reasons_fn(scorer: RiskScorer) -> ReasonsFn:
    """The explainer's top reasons, as data: readers word them in their reader's language."""
    explainer = Explainer(scorer.booster, list(scorer.feature_names), scorer.reference_medians)

    def explain(rows: pd.DataFrame) -> list[list[Reason]]:
        return list(explainer.reasons(rows, top=REASONS_PER_ACCOUNT))

    return explain


def indicators(features: pd.DataFrame) -> pd.Series:
    """Legal indicators fired per account, as data (an empty list when none fired)."""
    fired = evaluate_indicators(features).reindex(features.index)
    return fired.map(lambda items: list(items) if isinstance(items, list) else [])


def drift(model_input: pd.DataFrame, scores: pd.Series, scorer: RiskScorer) -> dict[str, Any]:
    """PSI of the score and of each model feature against the training distribution."""
    reference = scorer.reference
    return drift_report(
        model_input,
        scores.to_numpy(dtype="float64"),
        reference.get("features") or {},
        reference.get("score"),
    )


def registry_feature_names() -> list[str]:
    """Every feature the registry defines (stored per account for the API's account view)."""
    return list(REGISTRY)


def strongest_features(scorer: RiskScorer, count: int = STRONGEST_FEATURES) -> list[str]:
    """The model's most important features by total gain."""
    gain = np.asarray(scorer.booster.feature_importance(importance_type="gain"), dtype="float64")
    names = list(scorer.feature_names)
    return [names[i] for i in np.argsort(-gain, kind="stable")[:count]]


def percentile_features(scorer: RiskScorer) -> list[str]:
    """Features whose population percentile every account keeps: those the account views show
    people and the model's strongest (which its reasons most often name)."""
    return list(dict.fromkeys([*SHOWN_FEATURES, *strongest_features(scorer)]))

"""Retraining with the prior: the champion (trained on the simulators) boosted further on the
platform's decided accounts, so a few hundred decisions correct what the simulators got wrong
instead of replacing what they taught.

Continued boosting starts from the champion's calibrated log-odds (LightGBM's ``init_score``,
which is ``init_model`` for whatever ships: LightGBM alone, a blend or the logistic regression)
and adds small trees (learning rate 0.05) to them: the challenger scores
``expit(champion's calibrated log-odds + new trees)``. Its calibration, trees and bands are the
champion's; the new trees (4 leaves, 30 accounts a leaf, L2 10, the law's directions as monotone
constraints) stop early on a quarter of the decided networks held out, and the evidence
compares champion and challenger there.

Three things keep it from swinging night to night (docs/feedback.md, "Measured"):

- The trees are fitted **unweighted**. The queue selects accounts by their features (through the
  score), which leaves P(scheme | features) unbiased among the decided; weighting exploration
  picks by 1 / inclusion probability (up to thousands) only made five accounts a day outweigh
  the other 95. The weights stay where a population figure is estimated: the held-out evidence
  and the bands (``training.recalibration``).
- The starting log-odds are the scores moderators saw: with a platform prior per decision (the
  run's prior-shift estimate) the champion's log-odds are shifted to it first, so the trees learn
  the correction and not the platform's scheme share, which scoring applies again (counted twice
  otherwise).
- A guard: when the challenger's held-out average precision is below the champion's, the fit
  says so (``ContinuedFit.better``) and the champion is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sklearn.metrics import average_precision_score, log_loss
from sklearn.model_selection import GroupShuffleSplit

from models.scorer import RiskScorer
from training.directions import legal_directions
from training.errors import TrainingDataError

MIN_PER_CLASS = 20
# Few hundred decisions from the top of a queue: small, heavily regularised trees, and the
# law's directions kept (a correction never makes recruiting pay look less risky).
CONTINUE_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 4,
    "min_child_samples": 30,
    "lambda_l2": 10.0,
    "deterministic": True,
    "force_row_wise": True,
    "verbosity": -1,
}
MAX_ROUNDS = 100
STOPPING_ROUNDS = 10


@dataclass(frozen=True)
class ContinuedFit:
    """The booster boosted further, and how it compares with the champion on held-out decisions."""

    booster: Any  # lightgbm.Booster: the new trees (the residual on the calibrated log-odds)
    added_rounds: int
    evidence: dict[str, Any]

    @property
    def better(self) -> bool:
        """The challenger ranks the held-out decided accounts at least as well as the champion
        (weighted AP; True when there is no comparison: one class held out)."""
        champion = self.evidence.get("champion_average_precision")
        challenger = self.evidence.get("challenger_average_precision")
        return champion is None or challenger is None or challenger >= champion


def continue_boosting(
    champion: RiskScorer,
    features: pd.DataFrame,
    labels: np.ndarray,
    weights: np.ndarray,
    networks: np.ndarray,
    *,
    seed: int,
    min_per_class: int = MIN_PER_CLASS,
    platform_priors: np.ndarray | None = None,
) -> ContinuedFit:
    """Add trees to the champion's booster on the decided accounts (``features``: its feature
    columns; ``weights``: 1 / inclusion probability, for the held-out evidence;
    ``platform_priors``: per account, the scheme share its run's scores were adjusted to, NaN
    for none), stopped early on held-out networks."""
    labels = np.asarray(labels, dtype=np.int64)
    confirmed, dismissed = int(labels.sum()), int((labels == 0).sum())
    if min(confirmed, dismissed) < min_per_class:
        kind = "one class only" if min(confirmed, dismissed) == 0 else "too few labels"
        raise TrainingDataError(
            f"{kind}: {confirmed:,} scheme (1, confirm) and {dismissed:,} legitimate"
            f" (0, dismiss) decided accounts in this snapshot; retraining needs at least"
            f" {min_per_class} of each"
        )
    matrix = champion.matrix(features)
    prior = shown_log_odds(champion, matrix, platform_priors)
    split = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=seed)
    fit_rows, held_rows = next(split.split(matrix, labels, groups=networks))
    names = list(champion.feature_names)
    train = lgb.Dataset(
        matrix[fit_rows], labels[fit_rows], init_score=prior[fit_rows], feature_name=names
    )
    held = train.create_valid(matrix[held_rows], labels[held_rows], init_score=prior[held_rows])
    directions = legal_directions(names)
    params = {
        **CONTINUE_PARAMS,
        "seed": seed,
        "metric": "binary_logloss",
        "monotone_constraints": [int(directions.get(n, 0)) for n in names],
        "monotone_constraints_method": "advanced",
    }
    booster = lgb.train(
        params,
        train,
        num_boost_round=MAX_ROUNDS,
        valid_sets=[held],
        callbacks=[lgb.early_stopping(STOPPING_ROUNDS, verbose=False)],
    )
    best = int(booster.best_iteration or booster.current_iteration())
    kept = lgb.Booster(model_str=booster.model_to_string(num_iteration=best))
    evidence = _held_out_evidence(
        prior[held_rows], kept, matrix[held_rows], labels[held_rows], weights[held_rows]
    )
    evidence.update(
        {
            "decided_accounts": len(labels),
            "confirmed": confirmed,
            "dismissed": dismissed,
            "added_rounds": best,
            "held_out_accounts": len(held_rows),
            "params": CONTINUE_PARAMS,
        }
    )
    return ContinuedFit(kept, best, evidence)


def shown_log_odds(
    champion: RiskScorer, matrix: np.ndarray, platform_priors: np.ndarray | None
) -> np.ndarray:
    """The champion's calibrated log-odds, shifted to each account's platform prior when one is
    given (prior shift is additive in log-odds: ``models.prior_shift.adjust_posteriors``)."""
    log_odds = logit(np.clip(champion.calibrated(matrix), 1e-9, 1 - 1e-9))
    if platform_priors is None or champion.training_prior is None:
        return np.asarray(log_odds)
    target = np.clip(np.asarray(platform_priors, dtype=np.float64), 1e-6, 1 - 1e-6)
    shift = np.where(np.isnan(target), 0.0, logit(target) - logit(champion.training_prior))
    return np.asarray(log_odds + shift)


def _held_out_evidence(
    prior: np.ndarray,
    booster: Any,
    matrix: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
) -> dict[str, Any]:
    """Weighted AP and log loss of champion (``prior``: its log-odds as shown) and challenger
    on the held-out decided accounts."""
    correction = np.asarray(booster.predict(matrix, raw_score=True), dtype=np.float64)
    out: dict[str, Any] = {}
    for name, log_odds in (("champion", prior), ("challenger", prior + correction)):
        scores = expit(log_odds)
        both = len(np.unique(labels)) == 2
        out[f"{name}_average_precision"] = (
            float(average_precision_score(labels, scores, sample_weight=weights)) if both else None
        )
        out[f"{name}_log_loss"] = (
            float(log_loss(labels, np.clip(scores, 1e-6, 1 - 1e-6), sample_weight=weights))
            if both
            else None
        )
    return out

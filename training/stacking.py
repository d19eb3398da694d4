"""Retraining with the prior by stacking: a model of the platform fitted on its decided accounts,
stacked on the champion's calibrated log-odds (``models.platform_stack``).

Why not only more trees on the champion (``training.continued``): on a world unlike the
simulators the champion's ranking is the problem (altsim at 5 % schemes: AP 0.2), and trees
added to it at a learning rate of 0.05 cannot move a scheme network from rank 7,000 to the
top. A model fitted on the platform's own decisions can: a few hundred decided accounts of a
few scheme networks teach what the platform's schemes look like (docs/feedback.md, Measured).

How far to trust it is learnt, not set: the platform model's out-of-fold log-odds and the
champion's log-odds go into a logistic regression on the decided accounts; its two weights and
intercept are the stack. The folds are drawn by **account** (``FOLDS_BY``): each decided
account is predicted by a model that never saw its label but saw its network's other decided
accounts, the position of most undecided scheme accounts (altsim 28 %, day 11: 2,387 of the
4,276 left sit in a network with a confirmed account). Folds by network judged the platform
model as if every undecided account were in an unseen network: it got weight 0.08 beside the
champion's 0.80 where alone it ranked the undecided at AP 0.987 (stack 0.916);
docs/feedback.md has the measurements. The fit still needs both classes in several networks:
with fewer than ``MIN_NETWORKS`` networks holding confirmed (or dismissed) accounts it is
refused (the champion is kept).

Fitted unweighted, as ``training.continued`` explains (1 / inclusion probability would let
five exploration picks a day outweigh the other 95); the weights stay in the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

from models.platform_stack import PlatformStack
from training.directions import legal_directions
from training.errors import TrainingDataError

MIN_PER_CLASS = 20
MIN_NETWORKS = 3  # networks with a confirmed (and with a dismissed) account: folds need them
FOLDS = 5
# "account": folds by decided account (the shipped judge, see above); "network": folds by network
FOLDS_BY = "account"
ROUNDS = 200
# A few hundred to a few thousand rows: one thread (waking a pool on a shared machine cost
# 20-50 times the fit itself), small trees, the law's directions as monotone constraints.
PLATFORM_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 8,
    "min_child_samples": 20,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}


@dataclass(frozen=True)
class StackFit:
    """The stack and the evidence for it."""

    stack: PlatformStack
    evidence: dict[str, Any]


def fit_platform_stack(
    champion_log_odds: np.ndarray,
    matrix: np.ndarray,
    labels: np.ndarray,
    networks: np.ndarray,
    feature_names: list[str],
    *,
    weights: np.ndarray | None = None,
    seed: int = 0,
    min_per_class: int = MIN_PER_CLASS,
    folds_by: str = FOLDS_BY,
) -> StackFit:
    """Fit the platform model on the decided accounts (``matrix``: the model's input columns,
    as of each decision's run) and its stack on ``champion_log_odds`` (as moderators saw them).
    ``weights`` (1 / inclusion probability) only weigh the evidence; ``folds_by``: ``account``
    or ``network``, how the out-of-fold predictions that set the weights are held out."""
    labels = np.asarray(labels, dtype=np.int64)
    _check_enough(labels, networks, min_per_class)
    params = {**PLATFORM_PARAMS, "seed": seed, **_monotone(feature_names)}
    groups = networks if folds_by == "network" else _account_folds(len(labels), seed)
    out_of_fold = _out_of_fold(params, matrix, labels, groups)
    inputs = np.column_stack([champion_log_odds, out_of_fold])
    (champion_weight, platform_weight), intercept = _non_negative_weights(inputs, labels)
    booster = lgb.train(params, lgb.Dataset(matrix, labels), num_boost_round=ROUNDS)
    stack = PlatformStack(booster, champion_weight, platform_weight, intercept)
    stacked = inputs @ np.array([champion_weight, platform_weight]) + intercept
    sample_weight = np.ones(len(labels)) if weights is None else np.asarray(weights, float)
    evidence: dict[str, Any] = {
        "decided_accounts": len(labels),
        "confirmed": int(labels.sum()),
        "dismissed": int((labels == 0).sum()),
        "networks": len(np.unique(networks)),
        "champion_weight": stack.champion_weight,
        "platform_weight": stack.platform_weight,
        "intercept": stack.intercept,
        # out of fold: each decided account scored by a platform model that never saw its label
        "champion_average_precision": _ap(labels, champion_log_odds, sample_weight),
        "platform_average_precision": _ap(labels, out_of_fold, sample_weight),
        "challenger_average_precision": _ap(labels, stacked, sample_weight),
        "params": {**PLATFORM_PARAMS, "rounds": ROUNDS, "folds": FOLDS, "folds_by": folds_by},
    }
    return StackFit(stack, evidence)


def _non_negative_weights(inputs: np.ndarray, labels: np.ndarray) -> tuple[list[float], float]:
    """Logistic-regression weights of the two log-odds, neither below zero: a negative weight
    (learnt among the top of the queue, where the champion's order and the platform model's
    can run against the truth) turns the ranking of every undecided account upside down
    (AP 0.02-0.16 on some nights, docs/feedback.md). An input whose weight comes out negative
    is dropped and the other refitted alone; with both dropped the champion stays as it is."""
    kept = [0, 1]
    while kept:
        regression = LogisticRegression(max_iter=1000).fit(inputs[:, kept], labels)
        coefficients = regression.coef_[0]
        if (coefficients >= 0).all():
            weights = [0.0, 0.0]
            for column, value in zip(kept, coefficients, strict=True):
                weights[column] = float(value)
            return weights, float(regression.intercept_[0])
        kept = [column for column, value in zip(kept, coefficients, strict=True) if value > 0]
    return [1.0, 0.0], 0.0


def _check_enough(labels: np.ndarray, networks: np.ndarray, min_per_class: int) -> None:
    """Both classes, ``min_per_class`` each, in ``MIN_NETWORKS`` networks each."""
    confirmed, dismissed = int(labels.sum()), int((labels == 0).sum())
    spread = [len(np.unique(networks[labels == value])) for value in (1, 0)]
    if min(confirmed, dismissed) < min_per_class or min(spread) < MIN_NETWORKS:
        raise TrainingDataError(
            f"{confirmed:,} confirmed accounts in {spread[0]} networks and {dismissed:,}"
            f" dismissed in {spread[1]}: stacking a platform model needs at least"
            f" {min_per_class} of each, in at least {MIN_NETWORKS} networks each"
        )


def _monotone(feature_names: list[str]) -> dict[str, Any]:
    directions = legal_directions(feature_names)
    return {
        "monotone_constraints": [int(directions.get(name, 0)) for name in feature_names],
        "monotone_constraints_method": "advanced",
    }


def _account_folds(count: int, seed: int) -> np.ndarray:
    """A fold number per decided account, shuffled (the decisions come in queue order)."""
    return np.random.default_rng(seed).permutation(count) % FOLDS


def _out_of_fold(
    params: dict[str, Any], matrix: np.ndarray, labels: np.ndarray, groups: np.ndarray
) -> np.ndarray:
    """Each decided account's platform log-odds from a model fitted without its group (its
    fold, or its network), 0 when a fold's training part has one class only: no evidence
    either way."""
    folds = min(FOLDS, len(np.unique(groups)))
    predicted = np.zeros(len(labels))
    for fit_rows, held_rows in GroupKFold(n_splits=folds).split(matrix, labels, groups):
        if len(np.unique(labels[fit_rows])) < 2:
            continue
        data = lgb.Dataset(matrix[fit_rows], labels[fit_rows])
        booster = lgb.train(params, data, num_boost_round=ROUNDS)
        predicted[held_rows] = booster.predict(matrix[held_rows], raw_score=True)
    return predicted


def _ap(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> float | None:
    if len(np.unique(labels)) < 2:
        return None
    return float(average_precision_score(labels, scores, sample_weight=weights))

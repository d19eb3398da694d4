"""Evaluation metrics: ranking quality at the moderators' capacity, calibration, per slice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

Array = NDArray[Any]


def top_k_order(scores: Array, k: int) -> Array:
    """Positions of the ``k`` highest scores (ties broken by position, deterministically)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return order[: min(k, len(order))]


def ranking_metrics(y: Array, scores: Array, network_id: Array, k: int) -> dict[str, float]:
    """AUC, AP, precision/recall at ``k``, networks reached by the top ``k``, Brier score."""
    y = np.asarray(y).astype(np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    networks = np.asarray(network_id)
    top = top_k_order(scores, k)
    hits = int(y[top].sum())
    scheme_networks = set(networks[y == 1].tolist())
    both = len(np.unique(y)) == 2
    return {
        "accounts": float(len(y)),
        "positives": float(y.sum()),
        "roc_auc": float(roc_auc_score(y, scores)) if both else float("nan"),
        "average_precision": float(average_precision_score(y, scores)) if both else float("nan"),
        f"precision_at_{k}": hits / len(top) if len(top) else float("nan"),
        f"recall_at_{k}": hits / max(int(y.sum()), 1),
        f"networks_in_top_{k}": float(len(set(networks[top].tolist()))),
        f"scheme_networks_in_top_{k}": float(len(set(networks[top][y[top] == 1].tolist()))),
        "scheme_networks": float(len(scheme_networks)),
        # Brier only means something for probabilities; rule scores in [0, 1] qualify loosely
        "brier": float(brier_score_loss(y, np.clip(scores, 0, 1))) if both else float("nan"),
    }


def reliability_curve(y: Array, scores: Array, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability versus observed positive rate in equal-width score bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.searchsorted(edges, scores, side="right") - 1, 0, bins - 1)
    frame = pd.DataFrame({"bin": index, "score": scores, "label": np.asarray(y, dtype=float)})
    curve = frame.groupby("bin").agg(
        mean_predicted=("score", "mean"),
        observed_rate=("label", "mean"),
        accounts=("label", "size"),
    )
    curve["bin_low"] = edges[curve.index.to_numpy()]
    return curve.reset_index(drop=True)[["bin_low", "mean_predicted", "observed_rate", "accounts"]]


def _correct_pairs(positive_scores: Array, negative_scores: Array) -> float:
    """Number of (positive, negative) pairs ranked correctly, ties counting one half."""
    if not len(positive_scores) or not len(negative_scores):
        return 0.0
    negatives = np.sort(negative_scores)
    below = np.searchsorted(negatives, positive_scores, side="left")
    at_or_below = np.searchsorted(negatives, positive_scores, side="right")
    return float(below.sum() + 0.5 * (at_or_below - below).sum())


def pair_auc(y: Array, scores: Array, in_slice: Array) -> float:
    """AUC over every (scheme, legitimate) pair with at least one account in the slice.

    Works for one-class slices (a family of only legitimate shops is judged against all
    scheme accounts, and vice versa); equals the usual AUC when the slice is everything.
    """
    y = np.asarray(y).astype(bool)
    inside = np.asarray(in_slice, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    pos_in, neg_in = scores[y & inside], scores[~y & inside]
    pos_out, neg_all = scores[y & ~inside], scores[~y]
    pairs = len(pos_in) * len(neg_all) + len(pos_out) * len(neg_in)
    if not pairs:
        return float("nan")
    correct = _correct_pairs(pos_in, neg_all) + _correct_pairs(pos_out, neg_in)
    return correct / pairs


def slice_metrics(
    y: Array, scores: Array, slices: pd.Series, flag_threshold: float, k: int
) -> pd.DataFrame:
    """Per slice value (role, family...): size, AUC over pairs, recall and false-alarm rate."""
    y = np.asarray(y).astype(np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    values = slices.astype(str).to_numpy()
    flagged = scores >= flag_threshold
    in_top = np.zeros(len(y), dtype=bool)
    in_top[top_k_order(scores, k)] = True
    rows = []
    for value in sorted(set(values.tolist())):  # a handful of slices, not accounts
        inside = values == value
        positives, negatives = inside & (y == 1), inside & (y == 0)
        rows.append(
            {
                "slice": value,
                "accounts": int(inside.sum()),
                "positives": int(positives.sum()),
                "pair_auc": pair_auc(y, scores, inside),
                "recall_at_medium": _share(flagged, positives),
                "false_alarm_at_medium": _share(flagged, negatives),
                "mean_score": float(scores[inside].mean()),
                f"in_top_{k}": int((in_top & inside).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("slice")


def _share(flags: Array, mask: Array) -> float:
    return float(flags[mask].mean()) if mask.any() else float("nan")


def role_metrics(true_roles: Array, predicted: Array, classes: tuple[str, ...]) -> dict[str, Any]:
    """Per-role precision/recall, the confusion matrix (true -> predicted -> accounts), macro F1
    and the macro F1 of always guessing the commonest role (the trivial baseline)."""
    labels = list(classes)
    truth = np.asarray(true_roles, dtype=object).astype(str)
    guess = np.asarray(predicted, dtype=object).astype(str)
    precision, recall, _, support = precision_recall_fscore_support(
        truth, guess, labels=labels, zero_division=0
    )
    confusion = confusion_matrix(truth, guess, labels=labels)
    values, counts = np.unique(truth, return_counts=True)
    commonest = np.full(len(truth), values[np.argmax(counts)], dtype=object)
    return {
        "per_role": {
            role: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "accounts": int(support[i]),
            }
            for i, role in enumerate(labels)
        },
        "confusion": {
            role: {other: int(confusion[i, j]) for j, other in enumerate(labels)}
            for i, role in enumerate(labels)
        },
        "macro_f1": float(f1_score(truth, guess, labels=labels, average="macro", zero_division=0)),
        "baseline_macro_f1": float(
            f1_score(truth, commonest, labels=labels, average="macro", zero_division=0)
        ),
    }


def actionable_in_top_k(
    scores: Array, true_roles: Array, predicted: Array, actionable: tuple[str, ...], k: int
) -> dict[str, float]:
    """Accounts of an actionable role (organizer, recruiter) among the top ``k`` by score,
    before (score order) and after keeping only accounts predicted to hold such a role."""
    truth = np.isin(np.asarray(true_roles, dtype=object).astype(str), actionable)
    kept = np.flatnonzero(np.isin(np.asarray(predicted, dtype=object).astype(str), actionable))
    filtered = kept[top_k_order(np.asarray(scores, dtype=np.float64)[kept], k)]
    return {
        "by_score": float(truth[top_k_order(scores, k)].sum()),
        "by_score_and_role": float(truth[filtered].sum()),
    }


def role_metric_values(metrics: Mapping[str, Any]) -> dict[str, float]:
    """The role model's held-out figures as MLflow metrics (``roles.organizer.precision``,
    ``roles.confusion.organizer.recruiter``...); none when no role model was trained."""
    roles = metrics.get("roles") or {}
    values: dict[str, float] = {}
    for role, figures in (roles.get("per_role") or {}).items():
        values |= {f"roles.{role}.{name}": float(v) for name, v in figures.items()}
    for role, row in (roles.get("confusion") or {}).items():
        values |= {f"roles.confusion.{role}.{other}": float(n) for other, n in row.items()}
    for name in ("macro_f1", "baseline_macro_f1"):
        if name in roles:
            values[f"roles.{name}"] = float(roles[name])
    for name, figures in roles.items():
        if name.startswith("actionable_in_top_"):
            values |= {f"roles.{name}.{order}": float(n) for order, n in figures.items()}
    return values

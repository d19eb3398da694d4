"""Evaluation metrics: ranking quality at the moderators' capacity, calibration, per slice."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[Any]


def top_k_order(scores: Array, k: int) -> Array:
    """Positions of the ``k`` highest scores (ties broken by position, deterministically)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return order[: min(k, len(order))]


def ranking_metrics(y: Array, scores: Array, network_id: Array, k: int) -> dict[str, float]:
    """AUC, AP, precision/recall at ``k``, networks reached by the top ``k``, Brier score."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

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

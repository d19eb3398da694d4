"""Risk bands: thresholds on the calibrated score chosen from target precisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray
from sklearn.isotonic import IsotonicRegression

from models.errors import ModelError
from models.vocab import BAND_NAMES, DEFAULT_TARGET_PRECISIONS


def choose_band_thresholds(
    y_true: Sequence[int] | NDArray[np.int_],
    scores: Sequence[float] | NDArray[np.float64],
    target_precisions: Sequence[float] = DEFAULT_TARGET_PRECISIONS,
    sample_weight: Sequence[float] | NDArray[np.float64] | None = None,
) -> dict[str, float]:
    """Per band, the lowest score threshold that reaches the band's target precision.

    ``sample_weight`` (default: 1 each) weighs the accounts in both precisions: decisions from
    the top of a review queue are a biased sample, and inverse inclusion probabilities undo it.

    Two conditions, both on the validation accounts: (1) the accounts at or above the threshold
    (what a moderator working the band and everything above sees) reach the target precision;
    (2) so does an account right at the threshold (local precision, an isotonic fit of label on
    score). (2) keeps the bands apart when the model separates so well that (1) alone would put
    every flagged account in ``critical``. (3) The threshold is at least the target itself: an
    account whose calibrated probability is below 0.8 is not "high" however clean the validation
    data. A target no threshold reaches gets 1.0 (a band only perfect scores enter). Thresholds
    are non-decreasing from medium to critical.
    """
    if len(target_precisions) != len(BAND_NAMES) - 1:
        raise ModelError(f"need {len(BAND_NAMES) - 1} target precisions, got {target_precisions}")
    labels = np.asarray(y_true).astype(np.int64)
    values = np.asarray(scores, dtype=np.float64)
    weights = np.ones(len(values)) if sample_weight is None else np.asarray(sample_weight, float)
    if len(labels) != len(values) or len(weights) != len(values) or not len(labels):
        raise ModelError("band thresholds need as many labels as scores, and at least one")
    thresholds, cumulative, local = _precision_curves(labels, values, weights)
    chosen: dict[str, float] = {}
    floor = 0.0
    for band, target in zip(BAND_NAMES[1:], target_precisions, strict=True):
        reaching = np.flatnonzero((cumulative >= target) & (local >= target))
        threshold = float(thresholds[reaching[0]]) if len(reaching) else 1.0
        # The score is a calibrated probability: a band never starts below its own target, so
        # the bands stay apart even when validation data separate too well to tell them apart.
        floor = max(floor, threshold, float(target))
        chosen[band] = floor
    return chosen


def _precision_curves(
    labels: NDArray[np.int64], scores: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Distinct scores (ascending), (weighted) precision of ``score >= s`` and local precision
    at ``s``."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    hits = np.cumsum(labels[order] * weights[order])
    counts = np.cumsum(weights[order])
    # keep the last position of each distinct score: ties enter a band together
    last_of_tie = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    cumulative = (hits[last_of_tie] / counts[last_of_tie])[::-1]
    thresholds = sorted_scores[last_of_tie][::-1]
    isotonic = IsotonicRegression(out_of_bounds="clip").fit(scores, labels, sample_weight=weights)
    local = isotonic.predict(thresholds)
    # at or above the threshold, local precision only rises: use the running minimum from above
    local = np.minimum.accumulate(np.asarray(local)[::-1])[::-1]
    return thresholds, cumulative, local


def assign_bands(scores: NDArray[np.float64], thresholds: Mapping[str, float]) -> NDArray[np.str_]:
    """Band name per score: the highest band whose threshold the score reaches."""
    cuts = np.array([thresholds[band] for band in BAND_NAMES[1:]], dtype=np.float64)
    index = np.searchsorted(cuts, np.asarray(scores, dtype=np.float64), side="right")
    return np.asarray(BAND_NAMES)[index]

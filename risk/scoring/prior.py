"""The prior-shift correction of a scoring run: bands that mean the same on the platform scored.

The calibrated score is a probability on the training platform, where about a third of the
accounts were in schemes; on a platform with a few percent the same score overstates the odds,
so a band cut at "80 % likely" holds far fewer schemes than that. With ``em`` the run estimates
the scored platform's scheme share from the scores of all its accounts (``models.prior_shift``,
Saerens et al. 2002), adjusts every posterior to it, and stores and bands the adjusted score;
the ranking, hence the review queue, is unchanged. ``off`` scores as calibrated in training.
The run records what it did (``drift.prior_shift``). Measured in docs/model_robustness.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from models.prior_shift import estimate_prior_em
from risk.scoring.table import band_counts

if TYPE_CHECKING:
    from models.scorer import RiskScorer

EM, OFF = "em", "off"
PRIOR_SHIFT_MODES: tuple[str, ...] = (EM, OFF)
# Off by default: trained on both simulators, the model scores the schemes of a world no
# training code made *lower* than its training schemes, so EM underestimates their share (2-4
# times) and pushes them further below the bands; as calibrated, every band still beats its
# precision target there with up to twice the recall (docs/model_robustness.md, session 4).
DEFAULT_PRIOR_SHIFT = OFF
# Fewer accounts than this give too noisy a share to move every score by: not applied.
MIN_ACCOUNTS = 1000


def for_platform(
    scorer: RiskScorer, mode: str, scores: Callable[[], np.ndarray]
) -> tuple[RiskScorer, dict[str, Any]]:
    """The scorer to score the platform with, and the record of the correction. ``scores``
    gives the calibrated (unadjusted) scores of every account of the run, only when needed."""
    if mode not in PRIOR_SHIFT_MODES:
        raise ValueError(f"unknown prior-shift mode {mode!r}: use one of {PRIOR_SHIFT_MODES}")
    if mode == OFF:
        return scorer, {"mode": OFF, "applied": False, "note": "scores as calibrated in training"}
    if scorer.training_prior is None:
        note = "the model records no training scheme share (registered before it was kept)"
        return scorer, {"mode": mode, "applied": False, "note": note}
    calibrated = np.asarray(scores(), dtype=np.float64)
    if len(calibrated) < MIN_ACCOUNTS:
        note = f"{len(calibrated)} accounts: too few to estimate the platform's scheme share"
        return scorer, {"mode": mode, "applied": False, "note": note}
    estimate = estimate_prior_em(calibrated, scorer.training_prior)
    record = {"mode": mode, **estimate.to_dict()}
    if not estimate.converged:
        return scorer, {**record, "applied": False, "note": "EM did not converge"}
    unadjusted = pd.Series(scorer.bands(calibrated))
    return scorer.for_platform(estimate.prior), {
        **record,
        "applied": True,
        "bands_unadjusted": band_counts(unadjusted),
    }

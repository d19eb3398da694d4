"""What ships: LightGBM, the logistic regression, or a blend of the two, chosen on validation.

Every candidate is a weight ``w`` on LightGBM's calibrated log-odds (``models.blend``): 1 is
LightGBM alone, 0 the logistic regression alone (its baseline, calibrated like the model), in
between a blend. All are calibrated on the calibration networks and compared on the two
validation parts (stopping + calibration networks; never the held-out test networks) by
average precision and precision among the top k. LightGBM stays unless another candidate is
ahead by more than ``margin`` in average precision and not behind at k: on a platform where
both do about equally well, the model whose explanations are its own ships.

After the held-out evaluation, one guard (``held_out_fallback``): if the logistic regression
beats the chosen candidate on the held-out networks (ahead on one of average precision and
precision at k, behind on neither), the logistic regression ships instead, so that the shipped
model is never worse than that baseline on held-out networks. The guard can only hand the
decision to the baseline; it tunes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.bands import choose_band_thresholds
from models.blend import BLEND, LIGHTGBM, LOGISTIC, Blend, Shipped
from models.calibration import CalibrationMethod, ScoreCalibrator, fit_calibrator
from models.classifier import RiskClassifier, feature_matrix
from models.linear import LinearModel
from training.metrics import ranking_metrics

# Platt scaling with a = -1, b = 0 is the identity on log-odds: the logistic regression alone
# ships with its own calibration and no second curve on top (the same numbers as the baseline).
IDENTITY = ScoreCalibrator(method="sigmoid", a=-1.0, b=0.0)


def candidate_name(weight: float) -> str:
    """``lightgbm`` (w = 1), ``logistic_regression`` (w = 0), else ``blend_0.50``."""
    if weight == 1.0:
        return LIGHTGBM
    if weight == 0.0:
        return LOGISTIC
    return f"{BLEND}_{weight:.2f}"


@dataclass(frozen=True)
class Candidate:
    """One way to score: its weight on LightGBM, what ships, and its bands and validation."""

    name: str
    weight: float
    shipped: Shipped
    thresholds: dict[str, float]
    validation: dict[str, float]  # ranking metrics on the validation networks

    @property
    def kind(self) -> str:
        """``lightgbm``, ``blend`` or ``logistic_regression``."""
        return self.shipped.kind


@dataclass(frozen=True)
class Selection:
    """The candidates, the one chosen on validation and why."""

    candidates: dict[str, Candidate]
    chosen: str
    reason: str

    def summary(self) -> dict[str, Any]:
        """JSON-ready: chosen, why, and every candidate's weight and validation metrics."""
        return {
            "chosen": self.chosen,
            "kind": self.candidates[self.chosen].kind,
            "weight_lightgbm": self.candidates[self.chosen].weight,
            "reason": self.reason,
            "validation": {
                name: {"weight_lightgbm": c.weight, **c.validation}
                for name, c in self.candidates.items()
            },
        }


def build_candidates(
    classifier: RiskClassifier,
    linear: LinearModel,
    calibration: pd.DataFrame,
    validation: pd.DataFrame,
    *,
    features: list[str],
    weights: Sequence[float],
    method: CalibrationMethod,
    band_precisions: Sequence[float],
    k: int,
) -> dict[str, Candidate]:
    """Every weight's shipped model (calibrated on ``calibration``), bands and metrics on
    ``validation`` (both parts hold networks no tree was grown on)."""
    y_cal = calibration["label"].to_numpy()
    linear_calibrator = fit_calibrator(
        linear.log_odds(feature_matrix(calibration, features)), y_cal, method
    )
    training_prior = float(np.mean(y_cal))
    candidates = {}
    # LightGBM alone and the logistic regression alone are always built: the first is the
    # default, the second the baseline (and what the held-out guard may ship).
    for weight in sorted({1.0, *weights, 0.0}, reverse=True):
        if weight == 1.0:
            shipped = Shipped(classifier.calibrator_, None, training_prior)
        else:
            blend = Blend(weight, classifier.calibrator_, linear, linear_calibrator)
            calibrator = (
                IDENTITY
                if weight == 0.0
                else _fit_on_blend(blend, classifier, calibration, features, method)
            )
            shipped = Shipped(calibrator, blend, training_prior)
        scores = shipped.predict_proba(classifier.booster_, features, validation)
        y_val = validation["label"].to_numpy()
        candidates[candidate_name(weight)] = Candidate(
            name=candidate_name(weight),
            weight=weight,
            shipped=shipped,
            thresholds=choose_band_thresholds(y_val, scores, band_precisions),
            validation=ranking_metrics(y_val, scores, validation["network_id"].to_numpy(), k),
        )
    return candidates


def _fit_on_blend(
    blend: Blend,
    classifier: RiskClassifier,
    calibration: pd.DataFrame,
    features: list[str],
    method: CalibrationMethod,
) -> ScoreCalibrator:
    """The calibration curve of a blend's log-odds, on the calibration networks."""
    matrix = feature_matrix(calibration, features)
    raw = np.asarray(classifier.booster_.predict(matrix, raw_score=True), dtype=np.float64)
    return fit_calibrator(blend.log_odds(raw, matrix), calibration["label"].to_numpy(), method)


def choose(
    candidates: Mapping[str, Candidate], *, weights: Sequence[float], margin: float, k: int
) -> Selection:
    """The candidate to ship among those whose weight is in ``weights``: LightGBM unless another
    is ahead on validation average precision by more than ``margin`` and not behind at k (the
    best such, ties to the heavier LightGBM weight)."""
    ap, at_k = "average_precision", f"precision_at_{k}"
    if LIGHTGBM not in candidates:
        raise ValueError("the candidates must include LightGBM alone (weight 1)")
    base = candidates[LIGHTGBM].validation
    eligible = [c for c in candidates.values() if c.weight in {1.0, *weights}]
    ranked = sorted(eligible, key=lambda c: (-_value(c.validation[ap]), -c.weight))
    best = ranked[0]
    shown = f"validation AP {_value(best.validation[ap]):.4f} vs LightGBM {_value(base[ap]):.4f}"
    if best.name == LIGHTGBM:
        return Selection(dict(candidates), LIGHTGBM, "LightGBM has the best validation AP")
    gain = _value(best.validation[ap]) - _value(base[ap])
    if gain > margin and _value(best.validation[at_k]) >= _value(base[at_k]):
        return Selection(
            dict(candidates),
            best.name,
            f"{best.name} ahead of LightGBM on the validation networks ({shown}, P@{k} "
            f"{_value(best.validation[at_k]):.4f} vs {_value(base[at_k]):.4f})",
        )
    return Selection(
        dict(candidates),
        LIGHTGBM,
        f"LightGBM kept: {best.name} is not ahead by more than {margin} AP without losing "
        f"at k ({shown})",
    )


def _value(metric: float) -> float:
    """A metric for comparing (NaN, e.g. one class only, counts as 0)."""
    return 0.0 if metric != metric else float(metric)


def worse_on(new: Mapping[str, float], other: Mapping[str, float], k: int) -> list[str]:
    """The metrics (average precision, precision at k) on which ``new`` is below ``other``."""
    keys = ("average_precision", f"precision_at_{k}")
    return [key for key in keys if _value(new[key]) < _value(other[key])]


def held_out_fallback(
    results: Mapping[str, Mapping[str, float]], *, shipped: str, model: str, k: int
) -> bool:
    """Whether the logistic regression should ship instead of ``shipped``: on the held-out
    networks it is ahead of the ``model`` row on a metric and behind on none."""
    if shipped == LOGISTIC or LOGISTIC not in results:
        return False
    return bool(worse_on(results[model], results[LOGISTIC], k)) and not worse_on(
        results[LOGISTIC], results[model], k
    )


def shipped_scores(
    candidate: Candidate, classifier: RiskClassifier, features: list[str], frame: pd.DataFrame
) -> NDArray[np.float64]:
    """The candidate's probabilities for a feature table."""
    return candidate.shipped.predict_proba(classifier.booster_, features, frame)

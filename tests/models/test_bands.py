from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from models.bands import BAND_NAMES, assign_bands, choose_band_thresholds


def _precision_at(threshold: float, y: np.ndarray, scores: np.ndarray) -> float:
    return float(y[scores >= threshold].mean())


def test_thresholds_reach_their_target_precision() -> None:
    rng = np.random.default_rng(4)
    scores = rng.uniform(size=20000)
    y = (rng.uniform(size=20000) < scores).astype(int)  # calibrated by construction
    thresholds = choose_band_thresholds(y, scores, (0.5, 0.8, 0.95))
    assert list(thresholds) == list(BAND_NAMES[1:])
    for band, target in zip(BAND_NAMES[1:], (0.5, 0.8, 0.95), strict=True):
        assert _precision_at(thresholds[band], y, scores) >= target
    # calibrated scores: an account right at the threshold is a scheme with about that chance
    assert thresholds["medium"] == pytest.approx(0.5, abs=0.05)
    assert thresholds["high"] == pytest.approx(0.8, abs=0.05)
    assert thresholds["critical"] == pytest.approx(0.95, abs=0.03)


def test_bands_stay_apart_when_the_model_separates_well() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 4000)
    scores = np.clip(np.where(y == 1, 0.7, 0.1) + rng.normal(0, 0.12, 4000), 0, 1)
    thresholds = choose_band_thresholds(y, scores)
    assert thresholds["medium"] < thresholds["high"] < thresholds["critical"]
    for band, target in zip(BAND_NAMES[1:], (0.5, 0.8, 0.95), strict=True):
        assert _precision_at(thresholds[band], y, scores) >= target


def test_unreachable_precision_closes_the_band() -> None:
    y = np.array([0, 1, 0, 1])
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    assert choose_band_thresholds(y, scores, (0.5, 0.6, 0.99))["critical"] == 1.0


def test_assign_bands_uses_at_or_above() -> None:
    thresholds = {"medium": 0.2, "high": 0.5, "critical": 0.9}
    bands = assign_bands(np.array([0.0, 0.2, 0.49, 0.5, 0.95, 1.0]), thresholds)
    assert bands.tolist() == ["low", "medium", "medium", "high", "critical", "critical"]


@given(
    scores=arrays(np.float64, st.integers(1, 200), elements=st.floats(0, 1)),
    cuts=st.lists(st.floats(0, 1), min_size=3, max_size=3).map(sorted),
)
def test_bands_never_decrease_with_score(scores: np.ndarray, cuts: list[float]) -> None:
    thresholds = dict(zip(BAND_NAMES[1:], cuts, strict=True))
    order = np.argsort(scores)
    rank = {name: i for i, name in enumerate(BAND_NAMES)}
    levels = np.array([rank[b] for b in assign_bands(scores[order], thresholds)])
    assert np.all(np.diff(levels) >= 0)


@given(
    y=arrays(np.int64, 50, elements=st.integers(0, 1)),
    scores=arrays(np.float64, 50, elements=st.floats(0, 1)),
)
def test_thresholds_are_ordered(y: np.ndarray, scores: np.ndarray) -> None:
    thresholds = choose_band_thresholds(y, scores)
    assert thresholds["medium"] <= thresholds["high"] <= thresholds["critical"]


def test_a_weight_counts_like_repeated_rows() -> None:
    rng = np.random.default_rng(4)
    scores = rng.random(400)
    labels = (rng.random(400) < scores).astype(int)
    weights = rng.integers(1, 4, 400)
    repeated = choose_band_thresholds(np.repeat(labels, weights), np.repeat(scores, weights))
    assert choose_band_thresholds(labels, scores, sample_weight=weights) == repeated

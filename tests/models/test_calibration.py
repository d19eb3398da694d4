from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator

from models.calibration import ScoreCalibrator, _RawScores, fit_calibrator


@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_stored_curve_reproduces_scikit_learn(method: str) -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(0, 2, 3000)
    y = (rng.uniform(size=3000) < 1 / (1 + np.exp(-(0.7 * raw - 1)))).astype(int)
    calibrator = fit_calibrator(raw, y, method)  # type: ignore[arg-type]
    column = raw.reshape(-1, 1)
    reference = CalibratedClassifierCV(
        FrozenEstimator(_RawScores().fit(column, y)), method=method
    ).fit(column, y)
    fresh = rng.normal(0, 3, 500)  # includes values beyond the fitted range
    expected = reference.predict_proba(fresh.reshape(-1, 1))[:, 1]
    np.testing.assert_allclose(calibrator.transform(fresh), expected, atol=1e-12)
    assert ScoreCalibrator.from_dict(calibrator.to_dict()) == calibrator


def test_isotonic_curve_is_monotone_and_bounded() -> None:
    rng = np.random.default_rng(1)
    raw = rng.normal(size=2000)
    y = (raw + rng.normal(size=2000) > 0).astype(int)
    probabilities = fit_calibrator(raw, y, "isotonic").transform(np.linspace(-10, 10, 200))
    assert np.all(np.diff(probabilities) >= 0)
    assert probabilities.min() >= 0 and probabilities.max() <= 1

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from models.errors import ModelError
from models.prior_shift import adjust_posteriors, estimate_prior_em

TRAINING_PRIOR = 0.3


def _posteriors(x: np.ndarray, prior: float) -> np.ndarray:
    """Exact P(scheme | x) when schemes score x ~ N(1.5, 1), legitimate x ~ N(-1.5, 1)."""
    positive = prior * norm.pdf(x, 1.5, 1.0)
    return positive / (positive + (1 - prior) * norm.pdf(x, -1.5, 1.0))


def _platform(share: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A platform with ``share`` schemes: labels and the training-calibrated posteriors."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < share
    x = np.where(y, rng.normal(1.5, 1.0, n), rng.normal(-1.5, 1.0, n))
    return y, _posteriors(x, TRAINING_PRIOR)


@pytest.mark.parametrize("share", [0.02, 0.05, 0.3, 0.6])
def test_em_recovers_the_platforms_scheme_share(share: float) -> None:
    y, p = _platform(share, 40_000, seed=int(share * 100))
    estimate = estimate_prior_em(p, TRAINING_PRIOR)
    assert estimate.converged and estimate.accounts == len(p)
    # within sampling noise of the realised share (and far closer than the mean score)
    assert estimate.prior == pytest.approx(y.mean(), abs=0.01)
    if share != TRAINING_PRIOR:
        assert abs(estimate.prior - y.mean()) < abs(p.mean() - y.mean())
    assert estimate.to_dict()["estimated_prior"] == estimate.prior


def test_adjusted_posteriors_are_bayes_under_the_new_prior() -> None:
    x = np.linspace(-5, 5, 201)
    adjusted = adjust_posteriors(_posteriors(x, TRAINING_PRIOR), TRAINING_PRIOR, 0.05)
    np.testing.assert_allclose(adjusted, _posteriors(x, 0.05), atol=1e-12)
    assert np.all(np.diff(adjusted) > 0)  # the ranking never changes
    same = adjust_posteriors(_posteriors(x, TRAINING_PRIOR), TRAINING_PRIOR, TRAINING_PRIOR)
    np.testing.assert_allclose(same, _posteriors(x, TRAINING_PRIOR), atol=1e-15)
    np.testing.assert_array_equal(adjust_posteriors(np.array([0.0, 1.0]), 0.3, 0.05), [0.0, 1.0])


def test_adjusted_bands_keep_their_precision_on_a_low_base_rate_platform() -> None:
    y, p = _platform(0.03, 100_000, seed=9)
    adjusted = adjust_posteriors(p, TRAINING_PRIOR, estimate_prior_em(p, TRAINING_PRIOR).prior)
    # "0.8 or more" means 80 % precision again once the scores know the platform's share
    assert y[p >= 0.8].mean() < 0.8 <= y[adjusted >= 0.8].mean()


def test_bad_priors_and_empty_scores() -> None:
    with pytest.raises(ModelError, match="training prior"):
        estimate_prior_em([0.5], 0.0)
    with pytest.raises(ModelError, match="new prior"):
        adjust_posteriors([0.5], 0.3, 1.0)
    empty = estimate_prior_em([np.nan], 0.3)
    assert empty.prior == 0.3 and not empty.converged and empty.accounts == 0
    # every score 0: the share goes to the floor, not to 0 (which would fix every posterior)
    assert 0 < estimate_prior_em(np.zeros(100), 0.3).prior < 1e-3

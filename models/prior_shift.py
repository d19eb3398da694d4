"""Prior shift: the scheme share of the platform being scored, and posteriors adjusted to it.

The calibrated score is P(scheme | features) on the *training* platform, whose share of scheme
accounts (the prior, ``training_prior``) was about a third; a real platform has a few percent.
Under a pure prior shift (the accounts of each class look the same, only their shares differ)
Bayes' rule moves every posterior the same way:

    p' = p·π'/π / (p·π'/π + (1 - p)·(1 - π')/(1 - π))

and the platform's prior π' is the fixed point of "π' = mean of the adjusted posteriors", found
by expectation-maximisation (Saerens, Latinne & Decaestecker, "Adjusting the outputs of a
classifier to new a priori probabilities: a simple procedure", Neural Computation 14(1), 2002).
It needs no labels from the platform, only the scores of its accounts. It assumes calibrated
scores and a shift in class shares only; a platform whose accounts look different (another
world, not another mix) breaks that, which is why the run records the estimate beside what it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.errors import ModelError

# A prior of exactly 0 or 1 makes every adjusted posterior 0 or 1: keep the estimate inside.
PRIOR_FLOOR = 1e-6
TOLERANCE = 1e-6
MAX_ITERATIONS = 1000


@dataclass(frozen=True)
class PriorEstimate:
    """The platform's estimated scheme share and how the estimate was reached."""

    training_prior: float
    prior: float  # the estimated scheme share of the scored accounts
    iterations: int
    converged: bool
    accounts: int  # scores the estimate used (finite ones)
    mean_score: float  # mean calibrated score before adjustment ("classify and count" soft)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what a scoring run records)."""
        return {
            "method": "em",
            "training_prior": self.training_prior,
            "estimated_prior": self.prior,
            "iterations": self.iterations,
            "converged": self.converged,
            "accounts": self.accounts,
            "mean_score": self.mean_score,
        }


def _check_prior(prior: float, name: str) -> float:
    value = float(prior)
    if not 0.0 < value < 1.0:
        raise ModelError(f"{name} must be strictly between 0 and 1, got {prior}")
    return value


def adjust_posteriors(
    posteriors: Sequence[float] | NDArray[np.float64], training_prior: float, new_prior: float
) -> NDArray[np.float64]:
    """Posteriors under ``new_prior`` from posteriors under ``training_prior`` (Bayes' rule).

    Monotone in the score (the ranking never changes); the identity when the priors are equal.
    """
    pi = _check_prior(training_prior, "training prior")
    target = _check_prior(new_prior, "new prior")
    p = np.asarray(posteriors, dtype=np.float64)
    positive = p * (target / pi)
    negative = (1.0 - p) * ((1.0 - target) / (1.0 - pi))
    with np.errstate(invalid="ignore"):
        adjusted = positive / (positive + negative)
    return np.clip(adjusted, 0.0, 1.0)


def estimate_prior_em(
    posteriors: Sequence[float] | NDArray[np.float64],
    training_prior: float,
    *,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> PriorEstimate:
    """The scheme share of the scored accounts by EM (Saerens et al. 2002).

    E step: adjust every posterior to the current prior; M step: the new prior is their mean.
    Starts at the training prior; stops when the prior moves less than ``tolerance``.
    Non-finite scores are ignored; with none left the training prior is returned, unconverged.
    """
    pi = _check_prior(training_prior, "training prior")
    p = np.asarray(posteriors, dtype=np.float64).ravel()
    p = np.clip(p[np.isfinite(p)], 0.0, 1.0)
    if not len(p):
        return PriorEstimate(pi, pi, 0, False, 0, float("nan"))
    prior = pi
    for iteration in range(1, max_iterations + 1):
        updated = float(np.mean(adjust_posteriors(p, pi, prior)))
        updated = min(max(updated, PRIOR_FLOOR), 1.0 - PRIOR_FLOOR)
        moved = abs(updated - prior)
        prior = updated
        if moved < tolerance:
            return PriorEstimate(pi, prior, iteration, True, len(p), float(p.mean()))
    return PriorEstimate(pi, prior, max_iterations, False, len(p), float(p.mean()))

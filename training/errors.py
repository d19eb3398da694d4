"""Errors of the training pipeline (data that cannot train a model, bad configuration)."""

from __future__ import annotations

from features.errors import ServiceError


class TrainingError(ServiceError):
    """Training could not run as asked."""

    http_status = 500
    exit_code = 1


class TrainingDataError(TrainingError):
    """The labels or the snapshot cannot train or evaluate a model (too few, one class...)."""

    http_status = 422
    exit_code = 1


class ChallengerWorseError(TrainingError):
    """A retrained challenger ranks the held-back decisions worse than the champion: the guard
    keeps the champion and registers nothing."""

    http_status = 409
    exit_code = 1


class StackedChampionError(TrainingError):
    """``--method continue`` asked of a champion that is a stack: trees boosted on its stacked
    log-odds would be applied beneath the stack (``RiskScorer`` adds a residual before it) and
    scaled by the champion's weight, so what was fitted would not be what is served."""

    http_status = 409
    exit_code = 1

"""Errors of the independent world generator."""

from __future__ import annotations

from training.errors import TrainingError


class AltSimError(TrainingError):
    """The world generator was asked for something it cannot build (bad settings, bad path)."""

    http_status = 422
    exit_code = 1

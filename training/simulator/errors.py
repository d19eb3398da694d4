"""Errors of the platform simulator."""

from __future__ import annotations

from features.errors import ServiceError


class SimulationError(ServiceError):
    """The simulator could not produce or write a snapshot."""

    http_status = 500
    exit_code = 1


class SimulationConfigError(SimulationError):
    """The simulation was asked for something impossible (bad size, share or span)."""

    http_status = 422
    exit_code = 1  # bad input (features.errors.ExitCode)

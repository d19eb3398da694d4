"""Errors of the ``risk`` package: the store (runs, scores, decisions, audit log, API keys)."""

from __future__ import annotations

from features.errors import ExitCode, ServiceError


class RiskError(ServiceError):
    """Root of the ``risk`` package's errors."""

    http_status = 500
    exit_code = 1


class StoreError(RiskError):
    """The store cannot do what was asked (database unreachable, migration failed...)."""

    http_status = 503
    exit_code = ExitCode.STORE


class StoreNotFoundError(StoreError):
    """The thing asked for (account, run, key) is not in the store."""

    http_status = 404
    exit_code = ExitCode.BAD_INPUT


class RunNotFoundError(StoreNotFoundError):
    """No scoring run has this id (or no run is published yet)."""


class StoreInputError(StoreError):
    """A value given to the store is not allowed (unknown role, decision, band...)."""

    http_status = 422
    exit_code = ExitCode.BAD_INPUT


class StoreConflictError(StoreError):
    """The write would break a uniqueness or lifecycle rule (duplicate key name, re-publish)."""

    http_status = 409
    exit_code = ExitCode.BAD_INPUT

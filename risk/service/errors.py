"""Errors of the service layer the API renders (each knows its HTTP status)."""

from __future__ import annotations

from risk.errors import RiskError, StoreNotFoundError


class AccountNotFoundError(StoreNotFoundError):
    """The account has no score in the latest published run."""


class NetworkNotFoundError(StoreNotFoundError):
    """No account of the latest published run belongs to the network."""


class ModelUnavailableError(RiskError):
    """No champion model is loaded, so nothing can be explained on demand."""

    http_status = 503
    exit_code = 1

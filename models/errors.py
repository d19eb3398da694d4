"""Errors of the ``models`` package: the classifier, its MLflow storage and loading."""

from __future__ import annotations

from features.errors import ExitCode, ServiceError


class ModelError(ServiceError):
    """The model cannot be trained, saved or used as asked (bad input, broken artifact)."""

    http_status = 500
    exit_code = 1


class ModelInputError(ModelError):
    """The feature table given to a model lacks columns or holds non-numeric values."""

    http_status = 422
    exit_code = 1


class ModelNotFoundError(ModelError):
    """No registered model answers the reference (name, alias or version).

    503 rather than 404: for the API a missing champion means the service cannot score yet,
    not that the client asked for something wrong.
    """

    http_status = 503
    exit_code = ExitCode.MODEL_NOT_FOUND

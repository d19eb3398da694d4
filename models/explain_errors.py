"""Errors of the explainer: a model/registry/reference that do not fit together, or bad input."""

from __future__ import annotations

from features.errors import ServiceError


class ExplainerError(ServiceError):
    """The explainer cannot be built: the model, the registry and the reference disagree."""

    http_status = 500
    exit_code = 1


class ExplainInputError(ExplainerError):
    """The rows to explain lack model features, hold non-numeric values or ask a bad option."""

    http_status = 422
    exit_code = 1

"""The root of the service's error hierarchy and the data-contract errors.

Every package defines its errors as subclasses of :class:`ServiceError`; the API has one
handler and the CLI one, both reading ``http_status`` and ``exit_code`` from the error.
It lives here because ``features`` is the bottom of the import graph.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error the service can explain to its user (not a bug)."""

    http_status: int = 500
    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DataContractError(ServiceError):
    """The snapshot breaks the data contract (missing file, bad column, bad value...)."""

    http_status = 422
    exit_code = 1

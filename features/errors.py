"""The root of the service's error hierarchy and the data-contract errors.

Every package defines its errors as subclasses of :class:`ServiceError`; the API has one
handler and the CLI one, both reading ``http_status`` and ``exit_code`` from the error.
It lives here because ``features`` is the bottom of the import graph.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The one exit-code table of every ``risk`` command; each error class names its code."""

    OK = 0  # done (for `risk score`: published, or already published)
    BAD_INPUT = 1  # the input is wrong (data, files, ids, values): fix it; retrying won't help
    USAGE = 2  # the command line is wrong (an unknown option, a bad value): Typer's own code
    MODEL_NOT_FOUND = 3  # no model registered under the name/alias: run `risk train`
    STORE = 4  # the store failed or is unreachable: retry later
    DRIFT = 5  # `risk score --fail-on-drift`: published, but a PSI is above the threshold
    ENVIRONMENT = 6  # a program or package the command needs is missing (Java, a font)


class ServiceError(Exception):
    """An error the service can explain to its user (not a bug)."""

    http_status: int = 500
    exit_code: int = ExitCode.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DataContractError(ServiceError):
    """The snapshot breaks the data contract (missing file, bad column, bad value...)."""

    http_status = 422
    exit_code = ExitCode.BAD_INPUT


class EnvironmentMissingError(ServiceError):
    """A program or package the command needs is not installed (Java for Spark, a font)."""

    http_status = 503
    exit_code = ExitCode.ENVIRONMENT

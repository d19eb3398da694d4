"""Errors of the report package."""

from __future__ import annotations

from features.errors import ExitCode
from risk.errors import RiskError


class ReportError(RiskError):
    """A report cannot be built (missing font, broken model artifacts...)."""

    http_status = 500
    exit_code = 1


class ReportInputError(ReportError):
    """The request names something that cannot be reported (unknown run, bad period, bad dir)."""

    http_status = 422
    exit_code = ExitCode.BAD_INPUT


class ReportRunNotFoundError(ReportInputError):
    """No published scoring run matches the request."""

    http_status = 404


class ReportRunNotPublishedError(ReportInputError):
    """The run exists but is not published (still running, or failed): no report of it yet."""

    http_status = 409

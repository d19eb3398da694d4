"""Errors of the legal indicator engine."""

from __future__ import annotations

from features.errors import ServiceError


class IndicatorError(ServiceError):
    """The indicator engine cannot evaluate its input."""

    http_status = 422
    exit_code = 1


class MissingFeatureColumnsError(IndicatorError):
    """The feature table lacks columns the selected rules read."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            "feature table is missing column(s) the legal indicators need: " + ", ".join(missing)
        )
        self.missing = missing


class UnknownJurisdictionError(IndicatorError):
    """A jurisdiction was asked for that has no rule pack."""

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(
            f"unknown jurisdiction(s) {', '.join(unknown)}; rule packs exist for {', '.join(known)}"
        )

"""Errors of case work (each knows its HTTP status through the risk error root)."""

from __future__ import annotations

from features.errors import ExitCode
from risk.errors import StoreConflictError, StoreError, StoreNotFoundError


class CaseNotFoundError(StoreNotFoundError):
    """No case (or proposal, action, appeal) has this id."""


class CaseStateError(StoreConflictError):
    """The case is not in a state that allows this step (e.g. approving an open case)."""


class FourEyesError(StoreError):
    """The same person may not propose and approve, or decide and judge the appeal."""

    http_status = 403
    exit_code = ExitCode.BAD_INPUT

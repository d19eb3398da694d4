"""``validate_snapshot``: every check the data contract states, as one grouped report.

Every command that reads data calls :func:`read_valid_snapshot`, so all of them refuse bad
input with the same messages.
"""

from __future__ import annotations

from pathlib import Path

from features.errors import DataContractError
from features.loading import ParsedSnapshot, parse_snapshot
from features.snapshot import Snapshot
from features.validation_report import Problem, ValidationReport
from features.validation_rules import (
    account_checks,
    commission_checks,
    label_checks,
    order_checks,
)
from features.validation_sponsors import sponsor_problems

__all__ = ["ValidationReport", "read_valid_snapshot", "validate_snapshot"]


def _table_checks(parsed: ParsedSnapshot) -> list[Problem]:
    """Cross-row checks, for the tables read with all their required columns."""
    if "accounts" not in parsed.complete:
        return []  # every other check refers to accounts
    accounts, sources = parsed.tables["accounts"], parsed.sources
    problems = account_checks(accounts, sources["accounts"])
    problems += sponsor_problems(accounts, sources["accounts"])
    if "orders" in parsed.complete:
        problems += order_checks(parsed.tables["orders"], accounts, sources["orders"])
    if "commissions" in parsed.complete:
        problems += commission_checks(
            parsed.tables["commissions"], accounts, sources["commissions"]
        )
    if "labels" in parsed.complete:
        problems += label_checks(parsed.tables["labels"], accounts, sources["labels"])
    return problems


def _validate(path: Path) -> tuple[ValidationReport, ParsedSnapshot]:
    parsed = parse_snapshot(path)
    report = ValidationReport(parsed.path, parsed.problems + _table_checks(parsed))
    return report, parsed


def validate_snapshot(path: Path) -> ValidationReport:
    """Check a snapshot directory against the data contract; never raises for bad data."""
    return _validate(path)[0]


def read_valid_snapshot(path: Path) -> Snapshot:
    """The snapshot if it passes validation (warnings allowed), else DataContractError."""
    report, parsed = _validate(path)
    if not report.ok:
        raise DataContractError(report.render())
    return parsed.snapshot()

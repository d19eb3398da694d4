"""``validate_snapshot``: every check the data contract states, as one grouped report.

Every command that reads data calls :func:`read_valid_snapshot`, so all of them refuse bad
input with the same messages.

Problem kinds (``Problem.kind``). Errors: missing_directory, missing_file, unreadable_file,
missing_column, missing_value, bad_timestamp, bad_number, bad_integer, bad_boolean, bad_label,
duplicate_id, unknown_sponsor, self_sponsorship, sponsor_cycle, unknown_seller, unknown_payee,
unknown_label_account, negative_entry_fee, non_positive_amount, bad_quantity,
negative_commission, unknown_commission_kind, unknown_role, not_a_value (a list in a cell),
nul_byte, blank_id (only spaces), too_long (longer than the store keeps), left_before_joined,
future_timestamp (after validation time: a wrong year must not become the run's as_of).
Warnings: order_before_seller_joined, order_after_seller_left, unknown_commission_source,
id_not_text (numeric ids in Parquet).
Rows are CSV line numbers (header = line 1) or Parquet data rows counted from 1.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from features.errors import DataContractError
from features.loading import ParsedSnapshot, parse_snapshot
from features.snapshot import Snapshot
from features.validation_report import Problem, ValidationReport
from features.validation_rules import (
    account_checks,
    commission_checks,
    future_events,
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
    now = pd.Timestamp.now(tz="UTC")
    problems = account_checks(accounts, sources["accounts"])
    problems += future_events(accounts, ("joined_at", "left_at"), sources["accounts"], now)
    for table, column in (("orders", "created_at"), ("commissions", "paid_at")):
        if table in parsed.complete:
            problems += future_events(parsed.tables[table], (column,), sources[table], now)
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

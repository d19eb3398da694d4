"""Contract checks across rows and tables: unique ids, references, ranges, codes, time order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from features.contract import COMMISSION_KINDS, FUTURE_TOLERANCE_HOURS, ROLES
from features.validation_report import Problem, TableFile, rows_problem
from features.validation_sponsors import positions


def _mask(condition: pd.Series) -> np.ndarray:
    return condition.fillna(False).to_numpy(dtype=bool)


def duplicate_ids(table: pd.DataFrame, column: str, source: TableFile) -> list[Problem]:
    """Every row whose id appears more than once (all copies are shown)."""
    ids = table[column]
    array = pa.array(ids, type=pa.large_string(), from_pandas=True)
    distinct = pc.unique(array)
    # Hashing once to count distinct values is the cheap common case (no duplicates).
    if len(distinct) - distinct.null_count == len(array) - array.null_count:
        return []
    repeated = ids.duplicated(keep=False).to_numpy(dtype=bool) & ids.notna().to_numpy()
    return rows_problem("duplicate_id", source, column, repeated, ids, f"{column} must be unique")


def unknown_references(
    table: pd.DataFrame,
    column: str,
    account_ids: pd.Series,
    source: TableFile,
    kind: str,
    severity: str = "error",
) -> tuple[list[Problem], np.ndarray]:
    """Rows whose ``column`` names no account; also returns each row's account position."""
    found = positions(table[column], account_ids)
    unknown = (found < 0) & table[column].notna().to_numpy()
    problems = rows_problem(
        kind, source, column, unknown, table[column],
        f"{column} names no account in accounts",
        "warning" if severity == "warning" else "error",
    )  # fmt: skip
    return problems, found


def out_of_range(
    table: pd.DataFrame, column: str, bad: np.ndarray, source: TableFile, kind: str, rule: str
) -> list[Problem]:
    """Rows whose value breaks the contract's range ``rule`` (e.g. ``must be > 0``)."""
    return rows_problem(kind, source, column, bad, table[column], f"{column} {rule}")


def unknown_codes(
    table: pd.DataFrame,
    column: str,
    allowed: tuple[str, ...],
    source: TableFile,
    kind: str,
) -> list[Problem]:
    """Rows whose code is not one of ``allowed`` (blanks are a missing value, not a bad code)."""
    values = table[column]
    bad = ~values.isin(allowed).to_numpy(dtype=bool) & _mask(values != "")
    return rows_problem(
        kind, source, column, bad, values, f"{column} must be one of {', '.join(allowed)}"
    )


def future_events(
    table: pd.DataFrame, columns: tuple[str, ...], source: TableFile, now: pd.Timestamp
) -> list[Problem]:
    """Timestamps later than validation time (plus a tolerance): a wrong year, refused."""
    limit = now + pd.Timedelta(hours=FUTURE_TOLERANCE_HOURS)
    problems: list[Problem] = []
    for column in columns:
        late = _mask(table[column] > limit)
        if not late.any():
            # formatting a whole timestamp column as text is most of a clean snapshot's
            # validation (~25 s for 2M orders): only a column with late rows needs it
            continue
        problems += rows_problem(
            "future_timestamp", source, column, late, table[column].astype("str"),
            f"is after {limit:%Y-%m-%d %H:%M} UTC (validation time + "
            f"{FUTURE_TOLERANCE_HOURS} h): events cannot come from the future",
        )  # fmt: skip
    return problems


def account_checks(accounts: pd.DataFrame, source: TableFile) -> list[Problem]:
    """Unique ids, known sponsors, non-negative entry fees, left_at not before joined_at."""
    problems = duplicate_ids(accounts, "account_id", source)
    left_early = _mask(accounts["left_at"] < accounts["joined_at"])
    problems += rows_problem(
        "left_before_joined", source, "left_at", left_early,
        accounts[["account_id", "joined_at", "left_at"]], "left_at is before joined_at",
    )  # fmt: skip
    problems += unknown_references(
        accounts, "sponsor_id", accounts["account_id"], source, "unknown_sponsor"
    )[0]
    negative_fee = _mask(accounts["entry_fee"] < 0)
    return problems + out_of_range(
        accounts, "entry_fee", negative_fee, source, "negative_entry_fee", "must be >= 0"
    )


def _epoch(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(microseconds since epoch, missing mask) of a UTC timestamp column."""
    return values.array.asi8, values.isna().to_numpy()


def order_time_warnings(
    orders: pd.DataFrame, accounts: pd.DataFrame, seller: np.ndarray, source: TableFile
) -> list[Problem]:
    """Orders dated before their seller joined or after the seller left (warnings)."""
    known = seller >= 0
    at = seller.clip(min=0)
    created, created_missing = _epoch(orders["created_at"])
    joined, joined_missing = _epoch(accounts["joined_at"])
    left, left_missing = _epoch(accounts["left_at"])
    usable = known & ~created_missing
    before = usable & ~joined_missing[at] & (created < joined[at])
    after = usable & ~left_missing[at] & (created > left[at])
    shown = orders[["order_id", "seller_id", "created_at"]]
    return rows_problem(
        "order_before_seller_joined", source, "created_at", before, shown,
        "order dated before its seller's joined_at", "warning",
    ) + rows_problem(
        "order_after_seller_left", source, "created_at", after, shown,
        "order dated after its seller's left_at", "warning",
    )  # fmt: skip


def order_checks(orders: pd.DataFrame, accounts: pd.DataFrame, source: TableFile) -> list[Problem]:
    """Unique ids, known sellers, positive amounts, quantities >= 1, time-order warnings."""
    problems = duplicate_ids(orders, "order_id", source)
    unknown, seller = unknown_references(
        orders, "seller_id", accounts["account_id"], source, "unknown_seller"
    )
    problems += unknown
    problems += out_of_range(
        orders, "amount", _mask(orders["amount"] <= 0), source, "non_positive_amount",
        "must be > 0",
    )  # fmt: skip
    problems += out_of_range(
        orders, "quantity", _mask(orders["quantity"] < 1), source, "bad_quantity",
        "must be a whole number >= 1",
    )  # fmt: skip
    return problems + order_time_warnings(orders, accounts, seller, source)


def commission_checks(
    commissions: pd.DataFrame, accounts: pd.DataFrame, source: TableFile
) -> list[Problem]:
    """Known payees (and, as a warning, sources), non-negative amounts, known kinds."""
    account_ids = accounts["account_id"]
    problems = unknown_references(commissions, "payee_id", account_ids, source, "unknown_payee")[0]
    problems += unknown_references(
        commissions, "source_id", account_ids, source, "unknown_commission_source", "warning"
    )[0]
    problems += out_of_range(
        commissions, "amount", _mask(commissions["amount"] < 0), source,
        "negative_commission", "must be >= 0",
    )  # fmt: skip
    return problems + unknown_codes(
        commissions, "kind", COMMISSION_KINDS, source, "unknown_commission_kind"
    )


def label_checks(labels: pd.DataFrame, accounts: pd.DataFrame, source: TableFile) -> list[Problem]:
    """One label per account, for known accounts, with a known role."""
    problems = duplicate_ids(labels, "account_id", source)
    problems += unknown_references(
        labels, "account_id", accounts["account_id"], source, "unknown_label_account"
    )[0]
    return problems + unknown_codes(labels, "role", ROLES, source, "unknown_role")

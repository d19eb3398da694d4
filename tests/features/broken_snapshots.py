"""The corpus of broken snapshots: one small valid snapshot and the ways to break it.

Each ``Case`` changes one thing in the valid snapshot and says what a validation must report:
the problem kind, the file, the column and the row (a CSV line, header = line 1, or a Parquet
data row counted from 1). ``write_case`` writes it as CSV or Parquet, so the corpus is
generated here rather than kept as binary files; ``CASES`` holds every (case, format) pair.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

Tables = dict[str, pd.DataFrame]
EXIT_BAD_INPUT = 1  # `risk validate` and `risk score` on a contract error


# The valid snapshot, as its CSV files would read (every value text; an empty cell is empty).
VALID_CSV: dict[str, str] = {
    "accounts": """
account_id,sponsor_id,joined_at,entry_fee,left_at,region,declared_level
A1,,2026-01-01T00:00:00Z,0,,江苏,总代
A2,A1,2026-01-05,99.5,,浙江,一级代理
A3,A2,2026-02-01,99.5,2026-05-01,江苏,
A4,A1,2026-02-03,0,,广东,
""",
    "orders": """
order_id,seller_id,buyer_id,created_at,amount,quantity,refunded
O1,A2,C1,2026-03-01,120,1,false
O2,A2,A3,2026-03-02,300.5,3,false
O3,A3,C2,2026-03-05,45,1,true
O4,A1,C1,2026-04-01,80,2,no
""",
    "commissions": """
payee_id,source_id,amount,kind,paid_at
A1,A2,50,recruitment,2026-01-06
A2,A3,20,team,2026-02-02
A1,,5,retail,2026-04-02
""",
    "labels": """
account_id,label,role
A1,1,organizer
A2,1,
A3,0,
""",
}


def valid_tables() -> Tables:
    """A three-level network, four orders, three commissions, three labels: all valid."""
    return {
        name: pd.read_csv(io.StringIO(text.lstrip()), dtype=str, keep_default_na=False)
        for name, text in VALID_CSV.items()
    }


@dataclass(frozen=True)
class Case:
    """One way to break the snapshot and what validation must name."""

    name: str
    kind: str
    table: str
    column: str | None
    row: int | None  # index into the table (0-based); None for file-level problems
    change: Callable[[Tables], None]
    formats: tuple[str, ...] = ("csv", "parquet")

    def file(self, file_format: str) -> str:
        """The file the message must name."""
        if self.kind == "missing_file":
            return f"{self.table}.parquet or {self.table}.csv"
        return f"{self.table}.{file_format}"

    def shown_row(self, file_format: str) -> int | None:
        """The row number the message must show (CSV line or Parquet row)."""
        if self.row is None:
            return None
        return self.row + (2 if file_format == "csv" else 1)


def _cell(table: str, row: int, column: str, value: object) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table][column] = tables[table][column].astype(object)
        tables[table].at[row, column] = value

    return change


def _drop_column(table: str, column: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        del tables[table][column]

    return change


def _drop_table(table: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        del tables[table]

    return change


def _lists(table: str, column: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table][column] = [[value, value] for value in tables[table][column]]

    return change


def _cells(name: str, kind: str, table: str, column: str, row: int, value: object) -> Case:
    return Case(name, kind, table, column, row, _cell(table, row, column, value))


def _missing_file(name: str, table: str) -> Case:
    return Case(name, "missing_file", table, None, None, _drop_table(table))


def _missing_column(name: str, table: str, column: str) -> Case:
    return Case(name, "missing_column", table, column, None, _drop_column(table, column))


def _list_values(name: str, table: str, column: str) -> Case:
    """Every value of the column a list (a Parquet file only: CSV has no lists), row 0 named."""
    return Case(name, "not_a_value", table, column, 0, _lists(table, column), ("parquet",))


LONG = "x" * 200
FUTURE = "2250-01-01T00:00:00Z"
NUL = "A\x00B"

BASE_CASES: tuple[Case, ...] = (
    # accounts
    _cells("account-id-empty", "missing_value", "accounts", "account_id", 1, ""),
    _cells("account-id-spaces", "blank_id", "accounts", "account_id", 2, "   "),
    _cells("account-id-nul", "nul_byte", "accounts", "account_id", 1, NUL),
    _cells("account-id-too-long", "too_long", "accounts", "account_id", 3, LONG),
    _cells("account-id-duplicate", "duplicate_id", "accounts", "account_id", 3, "A2"),
    _cells("sponsor-unknown", "unknown_sponsor", "accounts", "sponsor_id", 2, "ZZ"),
    _cells("sponsor-self", "self_sponsorship", "accounts", "sponsor_id", 1, "A2"),
    _cells("sponsor-cycle", "sponsor_cycle", "accounts", "sponsor_id", 0, "A3"),
    _cells("sponsor-spaces", "blank_id", "accounts", "sponsor_id", 1, "  "),
    _cells("sponsor-nul", "nul_byte", "accounts", "sponsor_id", 2, NUL),
    _cells("sponsor-too-long", "too_long", "accounts", "sponsor_id", 2, LONG),
    _cells("joined-not-a-date", "bad_timestamp", "accounts", "joined_at", 1, "yesterday"),
    _cells("joined-empty", "missing_value", "accounts", "joined_at", 2, ""),
    _cells("joined-future", "future_timestamp", "accounts", "joined_at", 3, FUTURE),
    _cells("joined-month-13", "bad_timestamp", "accounts", "joined_at", 0, "2026-13-45"),
    _cells("entry-fee-negative", "negative_entry_fee", "accounts", "entry_fee", 1, "-5"),
    _cells("entry-fee-text", "bad_number", "accounts", "entry_fee", 2, "abc"),
    _cells("entry-fee-infinite", "bad_number", "accounts", "entry_fee", 2, "inf"),
    _cells("left-before-joined", "left_before_joined", "accounts", "left_at", 2, "2020-01-01"),
    _cells("left-future", "future_timestamp", "accounts", "left_at", 1, FUTURE),
    _cells("left-not-a-date", "bad_timestamp", "accounts", "left_at", 0, "soon"),
    _cells("region-too-long", "too_long", "accounts", "region", 1, "省" * 100),
    _cells("region-nul", "nul_byte", "accounts", "region", 0, "江\x00苏"),
    # orders
    _cells("order-id-empty", "missing_value", "orders", "order_id", 2, ""),
    _cells("order-id-duplicate", "duplicate_id", "orders", "order_id", 3, "O1"),
    _cells("order-id-too-long", "too_long", "orders", "order_id", 1, "o" * 300),
    _cells("seller-unknown", "unknown_seller", "orders", "seller_id", 1, "NOPE"),
    _cells("seller-empty", "missing_value", "orders", "seller_id", 0, ""),
    _cells("seller-spaces", "blank_id", "orders", "seller_id", 3, " \t "),
    _cells("buyer-empty", "missing_value", "orders", "buyer_id", 2, ""),
    _cells("buyer-nul", "nul_byte", "orders", "buyer_id", 1, NUL),
    _cells("order-future", "future_timestamp", "orders", "created_at", 3, "2250-06-01"),
    _cells("order-not-a-date", "bad_timestamp", "orders", "created_at", 0, "not a date"),
    _cells("amount-zero", "non_positive_amount", "orders", "amount", 1, "0"),
    _cells("amount-negative", "non_positive_amount", "orders", "amount", 2, "-3"),
    _cells("amount-text", "bad_number", "orders", "amount", 3, "ten"),
    _cells("amount-empty", "missing_value", "orders", "amount", 0, ""),
    _cells("amount-nan", "bad_number", "orders", "amount", 1, "nan"),
    _cells("quantity-zero", "bad_quantity", "orders", "quantity", 2, "0"),
    _cells("quantity-fraction", "bad_integer", "orders", "quantity", 1, "1.5"),
    _cells("refunded-maybe", "bad_boolean", "orders", "refunded", 3, "maybe"),
    # commissions
    _cells("payee-unknown", "unknown_payee", "commissions", "payee_id", 1, "NOPE"),
    _cells("payee-empty", "missing_value", "commissions", "payee_id", 0, ""),
    _cells("commission-negative", "negative_commission", "commissions", "amount", 2, "-1"),
    _cells("commission-kind", "unknown_commission_kind", "commissions", "kind", 0, "bonus"),
    _cells("commission-kind-empty", "missing_value", "commissions", "kind", 1, ""),
    _cells("commission-future", "future_timestamp", "commissions", "paid_at", 2, FUTURE),
    _cells("commission-paid-empty", "missing_value", "commissions", "paid_at", 1, ""),
    # labels
    _cells("label-two", "bad_label", "labels", "label", 1, "2"),
    _cells("label-account-unknown", "unknown_label_account", "labels", "account_id", 2, "NOPE"),
    _cells("label-role", "unknown_role", "labels", "role", 0, "boss"),
    _cells("label-duplicate", "duplicate_id", "labels", "account_id", 2, "A1"),
    # files and columns
    _missing_file("accounts-missing", "accounts"),
    _missing_file("orders-missing", "orders"),
    _missing_column("joined-column-missing", "accounts", "joined_at"),
    _missing_column("amount-column-missing", "orders", "amount"),
    # Parquet only: a list where one value belongs
    _list_values("region-lists", "accounts", "region"),
    _list_values("buyer-lists", "orders", "buyer_id"),
)

CASES: tuple[tuple[Case, str], ...] = tuple(
    (case, file_format) for case in BASE_CASES for file_format in case.formats
)


def write_tables(tables: Tables, directory: Path, file_format: str) -> Path:
    """Write every table as CSV (all text) or Parquet (text columns, lists kept as lists)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if file_format == "csv":
            frame.to_csv(directory / f"{name}.csv", index=False)
            continue
        columns = {
            column: pa.array(list(frame[column]))
            if isinstance(frame[column].iloc[0], list)
            else pa.array([None if value == "" else str(value) for value in frame[column]])
            for column in frame.columns
        }
        pq.write_table(pa.table(columns), directory / f"{name}.parquet")
    return directory


def write_case(case: Case, file_format: str, directory: Path) -> Path:
    """The valid snapshot with ``case`` applied, written in ``file_format`` under ``directory``."""
    tables = valid_tables()
    case.change(tables)
    return write_tables(tables, directory, file_format)

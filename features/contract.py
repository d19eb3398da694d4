"""The data contract (../shared/docs/DATA_CONTRACT.md) as data: one place for every table's columns.

Loading, validation, the simulator and the feature pipeline all read these specs; nothing else
spells out a column's type or default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal[
    "id",
    "optional_id",
    "timestamp",
    "optional_timestamp",
    "money",
    "integer",
    "boolean",
    "text",
    "label",
]


# The longest id and region the store keeps (its columns are sized from these).
ID_MAX_CHARS = 128
REGION_MAX_CHARS = 64
# An event dated more than this after validation is refused: a wrong year must never decide
# which scoring run is current (the default as_of is the latest event).
FUTURE_TOLERANCE_HOURS = 24


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: ColumnKind
    required: bool
    default: object = None
    max_chars: int | None = None  # ids: ID_MAX_CHARS unless given


@dataclass(frozen=True)
class TableSpec:
    name: str
    required: bool
    columns: tuple[ColumnSpec, ...]
    id_column: str | None = None  # unique, non-empty
    event_time: str | None = None  # the column that says when the row happened (point in time)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


COMMISSION_KINDS: tuple[str, ...] = ("recruitment", "retail", "team", "other")
ROLES: tuple[str, ...] = ("organizer", "recruiter", "participant", "legitimate")

ACCOUNTS = TableSpec(
    name="accounts",
    required=True,
    id_column="account_id",
    event_time="joined_at",
    columns=(
        ColumnSpec("account_id", "id", True),
        ColumnSpec("sponsor_id", "optional_id", True),
        ColumnSpec("joined_at", "timestamp", True),
        ColumnSpec("entry_fee", "money", False, 0.0),
        ColumnSpec("left_at", "optional_timestamp", False, None),
        ColumnSpec("region", "text", False, "", REGION_MAX_CHARS),
        ColumnSpec("declared_level", "text", False, ""),
    ),
)

ORDERS = TableSpec(
    name="orders",
    required=True,
    id_column="order_id",
    event_time="created_at",
    columns=(
        ColumnSpec("order_id", "id", True),
        ColumnSpec("seller_id", "id", True),
        ColumnSpec("buyer_id", "id", True),
        ColumnSpec("created_at", "timestamp", True),
        ColumnSpec("amount", "money", True),
        ColumnSpec("quantity", "integer", False, 1),
        ColumnSpec("refunded", "boolean", False, False),
    ),
)

COMMISSIONS = TableSpec(
    name="commissions",
    required=False,
    event_time="paid_at",
    columns=(
        ColumnSpec("payee_id", "id", True),
        ColumnSpec("source_id", "optional_id", False, None),
        ColumnSpec("amount", "money", True),
        ColumnSpec("kind", "text", True),
        ColumnSpec("paid_at", "timestamp", True),
    ),
)

LABELS = TableSpec(
    name="labels",
    required=False,
    id_column="account_id",
    columns=(
        ColumnSpec("account_id", "id", True),
        ColumnSpec("label", "label", True),
        ColumnSpec("role", "text", False, ""),
    ),
)

TABLES: tuple[TableSpec, ...] = (ACCOUNTS, ORDERS, COMMISSIONS, LABELS)

"""The snapshot cut at ``as_of`` and reshaped for the signal modules (positions, not ids).

Accounts are sorted by ``account_id`` and referred to by position everywhere else, so every
signal is a whole-array numpy/pandas operation. Money is held as integer ten-thousandths
(``MONEY_SCALE``) so that sums, subtree sums and network sums are exact and do not depend on
the order of input rows; times are integer microseconds since the epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from features.graph import NO_PARENT, Forest
from features.snapshot import Snapshot
from features.utc import utc

MONEY_SCALE = 10_000  # money units per currency unit: exact integer sums, 4 decimals kept
MICROS_PER_DAY = 86_400_000_000
NOT_AN_ACCOUNT = -1


@dataclass(frozen=True)
class PointInTime:
    """What the platform knew at ``as_of``, with accounts as positions 0..n-1."""

    as_of: pd.Timestamp
    as_of_us: int
    account_id: pd.Index  # sorted; position -> id
    joined_us: np.ndarray
    left: np.ndarray  # bool: left at or before as_of (an account leaving later is active)
    left_us: np.ndarray  # leaving time, meaningful where ``left``
    entry_fee: np.ndarray  # money units (int64)
    forest: Forest
    orders: pd.DataFrame  # seller, buyer (NOT_AN_ACCOUNT for consumers), consumer code, ...
    commissions: pd.DataFrame  # payee, kind, amount, paid_us

    @property
    def size(self) -> int:
        """Number of accounts that had joined by ``as_of``."""
        return len(self.account_id)

    def days_before_as_of(self, micros: np.ndarray) -> np.ndarray:
        """Days from each time to ``as_of`` (float64)."""
        return (self.as_of_us - micros) / MICROS_PER_DAY


def micros(column: pd.Series) -> np.ndarray:
    """Microseconds since the epoch of a UTC timestamp column (NaT -> int64 minimum)."""
    return pd.DatetimeIndex(column).as_unit("us").asi8


def money_units(column: pd.Series) -> np.ndarray:
    """Money as exact integer units of 1/MONEY_SCALE."""
    values = column.to_numpy(dtype=np.float64, na_value=0.0)
    return np.rint(values * MONEY_SCALE).astype(np.int64)


def _arrow(ids: pd.Series | pd.Index) -> pa.Array:
    """The ids as an Arrow string array (zero-copy for pandas' Arrow-backed str dtype)."""
    array = pa.array(ids.array if isinstance(ids, pd.Series) else ids, type=pa.large_string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def positions_of(ids: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each id in ``index`` (NOT_AN_ACCOUNT if absent or missing); Arrow hashing."""
    found = pc.index_in(_arrow(ids), value_set=_arrow(index))
    return found.fill_null(NOT_AN_ACCOUNT).to_numpy(zero_copy_only=False).astype(np.int64)


def codes_of(ids: pd.Series) -> np.ndarray:
    """A dense integer code per distinct id (the same id always gets the same code)."""
    encoded = pc.dictionary_encode(_arrow(ids))
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def cut(snapshot: Snapshot, as_of: pd.Timestamp) -> PointInTime:
    """The point-in-time view of ``snapshot``: only events at or before ``as_of``."""
    as_of = utc(as_of)
    as_of_us = int(pd.DatetimeIndex([as_of]).as_unit("us").asi8[0])
    accounts = joined_accounts(snapshot, as_of_us)
    account_id = pd.Index(accounts["account_id"].to_numpy(), name="account_id")
    joined_us = micros(accounts["joined_at"])
    left_raw = accounts["left_at"]
    left_us = micros(left_raw)
    left = left_raw.notna().to_numpy() & (left_us <= as_of_us)
    return PointInTime(
        as_of=as_of,
        as_of_us=as_of_us,
        account_id=account_id,
        joined_us=joined_us,
        left=left,
        left_us=np.where(left, left_us, as_of_us),
        entry_fee=money_units(accounts["entry_fee"]),
        forest=sponsorship_forest(accounts, account_id),
        orders=_orders(snapshot.orders, account_id, joined_us, as_of_us),
        commissions=_commissions(snapshot.commissions, account_id, as_of_us),
    )


def joined_accounts(snapshot: Snapshot, as_of_us: int) -> pd.DataFrame:
    """The accounts that had joined by ``as_of``, sorted by ``account_id``."""
    accounts = snapshot.accounts
    joined_all = micros(accounts["joined_at"])
    return accounts.loc[joined_all <= as_of_us].sort_values("account_id", kind="stable")


def sponsorship_forest(accounts: pd.DataFrame, account_id: pd.Index) -> Forest:
    """The sponsorship forest of ``joined_accounts`` (positions in ``account_id``)."""
    # A sponsor that had not joined by as_of is unknown at as_of: the account is a root then.
    parent = positions_of(accounts["sponsor_id"], account_id)
    return Forest.from_parent(np.where(parent == NOT_AN_ACCOUNT, NO_PARENT, parent))


def _orders(
    orders: pd.DataFrame, account_id: pd.Index, joined_us: np.ndarray, as_of_us: int
) -> pd.DataFrame:
    """Orders up to as_of; ``buyer`` is the buying account's position for agent purchases."""
    created_all = micros(orders["created_at"])
    orders = orders.loc[created_all <= as_of_us]
    created_us = micros(orders["created_at"])
    seller = positions_of(orders["seller_id"], account_id)
    buyer = positions_of(orders["buyer_id"], account_id)
    # Agent purchase: the buyer is an account that had already joined when the order was paid.
    never = np.iinfo(np.int64).max  # the sentinel position -1 picks "never joined"
    joined_buyer = np.append(joined_us, never)[buyer]
    is_agent = (buyer != NOT_AN_ACCOUNT) & (joined_buyer <= created_us)
    consumer = np.full(len(orders), NOT_AN_ACCOUNT, dtype=np.int64)
    consumer[~is_agent] = codes_of(orders["buyer_id"].loc[~is_agent])
    frame = pd.DataFrame(
        {
            "seller": seller,
            "buyer": np.where(is_agent, buyer, NOT_AN_ACCOUNT),
            "consumer": consumer,
            "created_us": created_us,
            "amount": money_units(orders["amount"]),
            "quantity": orders["quantity"].to_numpy(dtype=np.int64),
            "refunded": orders["refunded"].to_numpy(dtype=bool),
        }
    )
    # A seller that had not joined by as_of cannot have sold before it: drop such rows.
    return frame.loc[seller != NOT_AN_ACCOUNT].reset_index(drop=True)


def _commissions(commissions: pd.DataFrame, account_id: pd.Index, as_of_us: int) -> pd.DataFrame:
    """Commissions paid up to as_of, to accounts that had joined by then."""
    paid_us = micros(commissions["paid_at"])
    commissions = commissions.loc[paid_us <= as_of_us]
    payee = positions_of(commissions["payee_id"], account_id)
    frame = pd.DataFrame(
        {
            "payee": payee,
            "kind": commissions["kind"].to_numpy(dtype=object),
            "amount": money_units(commissions["amount"]),
            "paid_us": micros(commissions["paid_at"]),
        }
    )
    return frame.loc[payee != NOT_AN_ACCOUNT].reset_index(drop=True)

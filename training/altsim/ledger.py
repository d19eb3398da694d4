"""The event log the simulation appends to, day by day, in numpy chunks.

Orders keep what the data contract cannot show but the labelling rule needs: the *actor*
(the member whose action it was: the referrer of a root-fulfilled order), whether a
consumer-looking order was staged (刷单), and whether a purchase was a fee-like package.
Commissions keep what triggered them, so the rule can tell pay for joins from pay for sales.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

CONSUMER, STAGED, STOCK, PACKAGE = range(4)  # order kinds
ORDER_COLUMNS = ("seller", "buyer", "consumer", "actor", "time", "amount", "units", "kind")
COMMISSION_COLUMNS = ("payee", "source", "amount", "kind", "day", "join_share")
FLOAT_COLUMNS = frozenset({"time", "amount", "units", "join_share"})  # the rest are integers


class Ledger:
    def __init__(self) -> None:
        self._orders: list[dict[str, NDArray[np.generic]]] = []
        self._commissions: list[dict[str, NDArray[np.generic]]] = []
        self.order_count = 0
        self.refunded: list[NDArray[np.int64]] = []

    def add_orders(self, **columns: NDArray[np.generic]) -> NDArray[np.int64]:
        """Append orders (every ORDER_COLUMNS array, same length); their row numbers."""
        rows = len(columns["seller"])
        if rows:
            self._orders.append({c: np.asarray(columns[c]) for c in ORDER_COLUMNS})
        first = self.order_count
        self.order_count += rows
        return np.arange(first, first + rows)

    def add_commissions(self, **columns: NDArray[np.generic]) -> None:
        keep = np.asarray(columns["amount"]) >= 0.01
        if keep.any():
            self._commissions.append({c: np.asarray(columns[c])[keep] for c in COMMISSION_COLUMNS})

    def refund(self, rows: NDArray[np.int64]) -> None:
        self.refunded.append(np.asarray(rows, dtype=np.int64))

    def orders(self) -> pd.DataFrame:
        frame = _concat(self._orders, ORDER_COLUMNS)
        refunded = np.zeros(len(frame), dtype=bool)
        if self.refunded:
            refunded[np.concatenate(self.refunded)] = True
        return frame.assign(refunded=refunded)

    def commissions(self) -> pd.DataFrame:
        return _concat(self._commissions, COMMISSION_COLUMNS)


def _concat(chunks: list[dict[str, NDArray[np.generic]]], columns: tuple[str, ...]) -> pd.DataFrame:
    if not chunks:
        return pd.DataFrame(
            {c: np.zeros(0, dtype=float if c in FLOAT_COLUMNS else np.int64) for c in columns}
        )
    return pd.DataFrame({c: np.concatenate([chunk[c] for chunk in chunks]) for c in columns})

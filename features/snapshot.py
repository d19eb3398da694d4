"""A loaded snapshot: the four contract tables with canonical dtypes.

Canonical dtypes after loading (every consumer may rely on them):
- ids (``account_id``, ``sponsor_id``, ``order_id``, ``seller_id``, ``buyer_id``, ``payee_id``,
  ``source_id``): pandas ``str`` dtype; an empty sponsor/source is ``NA`` (never ``""``);
- timestamps: ``datetime64[us, UTC]``; empty ``left_at`` is ``NaT``;
- money: ``float64``; ``quantity``: ``int64``; ``refunded``: ``bool``; ``label``: ``int8``;
- ``region``, ``declared_level``, ``kind``, ``role``: ``str``.
Optional columns are always present, filled with their contract default; extra columns are
dropped. The index is a RangeIndex in file order (row ``i`` is CSV line ``i + 2``).
Build one with ``features.loading.load_snapshot`` / ``features.validation.read_valid_snapshot``
(files) or ``features.loading.snapshot_from_frames`` (in-memory frames, same conversions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Snapshot:
    accounts: pd.DataFrame
    orders: pd.DataFrame
    commissions: pd.DataFrame
    labels: pd.DataFrame | None = None
    # table name -> the file it was read from (empty for snapshots built in memory)
    files: dict[str, Path] = field(default_factory=dict)

    def latest_event_time(self) -> pd.Timestamp:
        """The default ``as_of``: the latest event in the snapshot, never the wall clock."""
        candidates = [self.accounts["joined_at"].max(), self.orders["created_at"].max()]
        if len(self.commissions):
            candidates.append(self.commissions["paid_at"].max())
        return max(t for t in candidates if not pd.isna(t))

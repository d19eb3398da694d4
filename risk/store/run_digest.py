"""The content digest of a run's score rows: what its audit entry seals at publish and prune."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from risk.jsontext import json_bytes
from risk.store.schema import scores_table

_s = scores_table.c
# Every column of a score row but the run id, in the table's order. A seal records the columns
# it covers, so a column added later leaves the runs sealed before it verifiable.
SEALED_COLUMNS = tuple(column.name for column in scores_table.c if column.name != "run_id")


@dataclass(frozen=True)
class RunDigest:
    """SHA-256 over the run's score rows (sorted-key JSON, one line each) and their count."""

    sha256: str
    rows: int
    columns: tuple[str, ...]

    def to_details(self) -> dict[str, Any]:
        """The part of a run's audit entry that seals its rows."""
        return {"content_sha256": self.sha256, "rows": self.rows, "columns": list(self.columns)}


def run_content_digest(
    connection: Connection, run_id: str, columns: Sequence[str] = SEALED_COLUMNS
) -> RunDigest:
    """Digest the run's score rows (``columns``, by account id) as the store holds them now."""
    digest, rows = hashlib.sha256(), 0
    query = select(*(_s[name] for name in columns)).where(_s.run_id == run_id)
    result = connection.execute(query.order_by(_s.account_id).execution_options(yield_per=10_000))
    for row in result:
        digest.update(json_bytes(list(row), sort_keys=True))
        digest.update(b"\n")
        rows += 1
    return RunDigest(sha256=digest.hexdigest(), rows=rows, columns=tuple(columns))

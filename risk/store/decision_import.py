"""Past decisions brought in from a file: the scores they were made on, and one all-or-nothing
write (decisions, their import record, audit entries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from risk.store.audit import append_audit_in
from risk.store.db import read_transaction, write_transaction
from risk.store.schema import decisions_table, imports_table, runs_table, scores_table
from risk.store.types import utcnow

_CHUNK = 5_000  # ids per IN (...) list: well under every backend's parameter limit
_d, _s, _r = decisions_table.c, scores_table.c, runs_table.c
# What makes two decisions the same one: re-importing a file adds nothing twice.
SAME_DECISION = ("account_id", "decision", "reviewer", "created_at", "note")


@dataclass(frozen=True)
class ImportOutcome:
    """What an import wrote: its id, the decisions added, rows already in the store."""

    import_id: int
    added: int
    skipped: int


def _chunks(values: Sequence[str]) -> list[list[str]]:
    unique = sorted(set(values))
    return [unique[i : i + _CHUNK] for i in range(0, len(unique), _CHUNK)]


def published_scores_of(engine: Engine, account_ids: Sequence[str]) -> pd.DataFrame:
    """Every published score of the accounts given: account_id, run_id, as_of, score, band."""
    columns = ["account_id", "run_id", "as_of", "score", "band"]
    frames = []
    with read_transaction(engine) as connection:
        for chunk in _chunks(account_ids):
            rows = connection.execute(
                select(_s.account_id, _s.run_id, _r.as_of, _s.score, _s.band)
                .join(runs_table, _r.id == _s.run_id)
                .where((_r.status == "published") & _s.account_id.in_(chunk))
            ).all()
            frames.append(pd.DataFrame.from_records(rows, columns=columns))
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _existing(connection: Connection, account_ids: Sequence[str]) -> pd.DataFrame:
    """The decisions already stored for these accounts, in ``SAME_DECISION`` columns."""
    frames = [
        pd.DataFrame.from_records(
            connection.execute(
                select(*[_d[name] for name in SAME_DECISION]).where(_d.account_id.in_(chunk))
            ).all(),
            columns=list(SAME_DECISION),
        )
        for chunk in _chunks(account_ids)
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _new_only(connection: Connection, decisions: pd.DataFrame) -> pd.DataFrame:
    """The decisions not already in the store (same account, decision, reviewer, time, note)."""
    existing = _existing(connection, decisions["account_id"].tolist())
    if existing.empty:
        return decisions
    key = list(SAME_DECISION)
    stored = existing.assign(note=existing["note"].fillna(""))
    stored["created_at"] = pd.to_datetime(stored["created_at"], utc=True).astype(
        "datetime64[us, UTC]"
    )
    probe = decisions[key].assign(note=decisions["note"].fillna(""))
    seen = probe.merge(stored.drop_duplicates(), on=key, how="left", indicator=True)
    return decisions[(seen["_merge"] == "left_only").to_numpy()]


def import_decisions(
    engine: Engine,
    decisions: pd.DataFrame,
    *,
    file_name: str,
    sha256: str,
    imported_by: str,
) -> ImportOutcome:
    """Append the decisions (account_id, run_id, score, band, decision, note, reviewer,
    created_at), one audit entry each and one for the import, in one transaction."""
    with write_transaction(engine) as connection:
        fresh = _new_only(connection, decisions)
        import_id = connection.execute(
            insert(imports_table)
            .values(
                file_name=file_name,
                sha256=sha256,
                imported_by=imported_by,
                imported_at=utcnow(),
                decisions=len(fresh),
                skipped=len(decisions) - len(fresh),
            )
            .returning(imports_table.c.id)
        ).scalar_one()
        for row in fresh.to_dict(orient="records"):
            _append_one(connection, row, import_id=import_id, imported_by=imported_by)
        append_audit_in(
            connection,
            actor=imported_by,
            action="decisions.import",
            target=file_name,
            details={
                "import_id": import_id,
                "sha256": sha256,
                "added": len(fresh),
                "skipped": len(decisions) - len(fresh),
            },
        )
    return ImportOutcome(import_id=import_id, added=len(fresh), skipped=len(decisions) - len(fresh))


def _append_one(
    connection: Connection, row: dict[str, Any], *, import_id: int, imported_by: str
) -> None:
    """One imported decision and its audit entry (the reviewer decided; the importer brought it)."""
    created_at: datetime = pd.Timestamp(row["created_at"]).to_pydatetime()
    values = {
        "account_id": row["account_id"],
        "run_id": row["run_id"],
        "score": float(row["score"]),
        "band": row["band"],
        "decision": row["decision"],
        "note": row["note"] or None,
        "reviewer": row["reviewer"],
        "created_at": created_at,
        "import_id": import_id,
    }
    decision_id = connection.execute(
        insert(decisions_table).values(**values).returning(_d.id)
    ).scalar_one()
    append_audit_in(
        connection,
        actor=row["reviewer"],
        action="decision.import",
        target=row["account_id"],
        details={
            "decision_id": decision_id,
            "decision": row["decision"],
            "decided_at": created_at,
            "run_id": row["run_id"],
            "score": values["score"],
            "band": row["band"],
            "note": values["note"],
            "import_id": import_id,
            "imported_by": imported_by,
        },
    )

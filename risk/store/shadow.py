"""Shadow runs: a published run scored again by the challenger, stored beside it (moderators
keep seeing the champion's scores)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from risk.store.db import read_transaction, write_transaction
from risk.store.schema import scores_table, shadow_runs_table, shadow_scores_table
from risk.store.types import utcnow

_CHUNK = 20_000
_r, _s = shadow_runs_table.c, shadow_scores_table.c


def write_shadow(
    engine: Engine,
    run_id: str,
    *,
    model_name: str,
    model_version: str,
    scores: pd.DataFrame,
    prior_shift: dict[str, Any] | None,
) -> None:
    """Store (or replace) the run's shadow scores (account_id, score, band) in one transaction."""
    rows = [
        {"run_id": run_id, "account_id": a, "score": float(s), "band": str(b)}
        for a, s, b in zip(scores["account_id"], scores["score"], scores["band"], strict=True)
    ]
    with write_transaction(engine) as connection:
        connection.execute(delete(shadow_scores_table).where(_s.run_id == run_id))
        connection.execute(delete(shadow_runs_table).where(_r.run_id == run_id))
        connection.execute(
            insert(shadow_runs_table).values(
                run_id=run_id,
                model_name=model_name,
                model_version=model_version,
                scored_at=utcnow(),
                accounts=len(rows),
                prior_shift=prior_shift,
            )
        )
        for start in range(0, len(rows), _CHUNK):
            connection.execute(insert(shadow_scores_table), rows[start : start + _CHUNK])


def shadow_of(engine: Engine, run_id: str) -> tuple[dict[str, Any], pd.DataFrame] | None:
    """The shadow run of a run (model, when scored) and its scores; None if there is none."""
    with read_transaction(engine) as connection:
        head = connection.execute(select(shadow_runs_table).where(_r.run_id == run_id)).first()
        if head is None:
            return None
        rows = connection.execute(
            select(_s.account_id, _s.score, _s.band).where(_s.run_id == run_id)
        ).all()
    return dict(head._mapping), pd.DataFrame.from_records(
        rows, columns=["account_id", "score", "band"]
    )


def latest_shadowed_run(engine: Engine) -> str | None:
    """The newest run that has a shadow run."""
    with read_transaction(engine) as connection:
        found = connection.execute(
            select(_r.run_id).order_by(_r.scored_at.desc()).limit(1)
        ).scalar()
    return None if found is None else str(found)


def run_scores(engine: Engine, run_id: str) -> pd.DataFrame:
    """account_id, score, band and rank of every account of a run (no reasons or features)."""
    c = scores_table.c
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(c.account_id, c.score, c.band, c.rank).where(c.run_id == run_id)
        ).all()
    return pd.DataFrame.from_records(rows, columns=["account_id", "score", "band", "rank"])

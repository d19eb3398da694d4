"""Exploration picks: the accounts drawn into a run's daily queue where the model is least sure,
stored once per run with their inclusion probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, exists, insert, select
from sqlalchemy.exc import IntegrityError

from risk.store.db import read_transaction, write_transaction
from risk.store.records import ScoreRecord
from risk.store.schema import decisions_table, exploration_table, runs_table, scores_table
from risk.store.scores import _with_decisions
from risk.vocab import DECISION_LABELS

_e, _s, _d = exploration_table.c, scores_table.c, decisions_table.c
PICK_COLUMNS = ("account_id", "position", "inclusion_probability")


def stored_picks(engine: Engine, run_id: str) -> pd.DataFrame:
    """The run's picks in the order drawn, with each pick's latest decision (None: pending)."""
    latest = (
        select(_d.decision)
        .where(_d.account_id == _e.account_id)
        .order_by(_d.created_at.desc(), _d.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(*[_e[c] for c in PICK_COLUMNS], latest.label("decision"))
            .where(_e.run_id == run_id)
            .order_by(_e.position)
        ).all()
    return pd.DataFrame.from_records(rows, columns=[*PICK_COLUMNS, "decision"])


def undecided_scores(engine: Engine, run_id: str) -> pd.DataFrame:
    """account_id, score and rank of every account of the run with no decision on record."""
    decided = exists().where(_d.account_id == _s.account_id)
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(_s.account_id, _s.score, _s.rank)
            .where((_s.run_id == run_id) & ~decided)
            .order_by(_s.rank, _s.account_id)
        ).all()
    return pd.DataFrame.from_records(rows, columns=["account_id", "score", "rank"])


def save_picks(engine: Engine, run_id: str, picks: pd.DataFrame) -> bool:
    """Store the run's draw once; False when another process stored it first (theirs stands)."""
    rows = [{"run_id": run_id, **row} for row in picks[list(PICK_COLUMNS)].to_dict("records")]
    if not rows:
        return False
    try:
        with write_transaction(engine) as connection:
            if connection.execute(select(_e.run_id).where(_e.run_id == run_id).limit(1)).first():
                return False
            connection.execute(insert(exploration_table), rows)
    except IntegrityError:
        return False
    return True


def pick_rows(engine: Engine, run_id: str, account_ids: Sequence[str]) -> list[ScoreRecord]:
    """The score rows of the accounts given in the run (with their latest decision)."""
    if not account_ids:
        return []
    with read_transaction(engine) as connection:
        rows = connection.execute(
            select(scores_table).where((_s.run_id == run_id) & _s.account_id.in_(list(account_ids)))
        ).all()
        return _with_decisions(connection, rows)


DECISION_FACTS = [
    "id",
    "account_id",
    "run_id",
    "model_name",
    "model_version",
    "as_of",
    "published_at",
    "score",
    "band",
    "decision",
    "decided_at",
    "inclusion_probability",
]


def decision_facts(engine: Engine) -> pd.DataFrame:
    """Every decision, oldest first, with the run it was made on (its model, as_of, when it was
    published) and, when the account was an exploration pick of that run, its inclusion
    probability (else NaN)."""
    r = runs_table.c
    query = (
        select(
            _d.id,
            _d.account_id,
            _d.run_id,
            r.model_name,
            r.model_version,
            r.as_of,
            r.published_at,
            _d.score,
            _d.band,
            _d.decision,
            _d.created_at,
            _e.inclusion_probability,
        )
        .join(runs_table, r.id == _d.run_id)
        .outerjoin(exploration_table, (_e.run_id == _d.run_id) & (_e.account_id == _d.account_id))
        .order_by(_d.created_at, _d.id)
    )
    with read_transaction(engine) as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame.from_records(rows, columns=DECISION_FACTS)
    frame["inclusion_probability"] = frame["inclusion_probability"].astype(float)
    return frame


def labelled_decisions(engine: Engine) -> pd.DataFrame:
    """The confirm/dismiss decisions of ``decision_facts`` (escalate labels nothing)."""
    facts = decision_facts(engine)
    return facts[facts["decision"].isin(list(DECISION_LABELS))].reset_index(drop=True)

"""Moderator decisions: recorded (append-only, audited), exported, and read back as training
labels (confirm = 1, dismiss = 0, escalate left out)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from risk.store import decisions as store
from risk.store.records import DecisionRecord
from risk.vocab import DECISION_LABELS


def record_decision(
    *, engine: Engine, account_id: str, decision: str, note: str | None, reviewer: str
) -> DecisionRecord:
    """Record a decision on the account's score in the latest published run (audited)."""
    return store.record_decision(
        engine, account_id=account_id, decision=decision, note=note, reviewer=reviewer
    )


def list_decisions(
    *,
    engine: Engine,
    since: datetime | None = None,
    until: datetime | None = None,
    account_id: str | None = None,
) -> list[DecisionRecord]:
    """Decisions in the order they were made, optionally in [since, until) or for one account."""
    return store.list_decisions(engine, since=since, until=until, account_id=account_id)


def labels_from_decisions(*, engine: Engine) -> pd.DataFrame:
    """One label per decided account (its latest confirm/dismiss wins), by account id."""
    decisions = store.list_decisions(engine)  # in the order they were made
    frame = pd.DataFrame(
        {
            "account_id": pd.Series([d.account_id for d in decisions], dtype="str"),
            "decision": pd.Series([d.decision for d in decisions], dtype="str"),
        }
    )
    # Escalation is "not sure yet": it neither labels an account nor undoes an earlier label.
    labelled = frame[frame["decision"].isin(list(DECISION_LABELS))]
    latest = labelled.drop_duplicates("account_id", keep="last")
    out = pd.DataFrame(
        {
            "account_id": latest["account_id"].to_numpy(),
            "label": latest["decision"].map(DECISION_LABELS).astype("int64").to_numpy(),
        }
    )
    return out.sort_values("account_id", ignore_index=True)

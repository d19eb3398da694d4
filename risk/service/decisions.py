"""Moderator decisions as training labels: confirm = 1, dismiss = 0, escalate left out."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from risk.store.decisions import list_decisions
from risk.vocab import DECISION_LABELS


def labels_from_decisions(engine: Engine) -> pd.DataFrame:
    """One label per decided account (its latest confirm/dismiss wins), by account id."""
    decisions = list_decisions(engine)  # in the order they were made
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

"""The network around an account: accounts per tier and the money moving between tiers."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine

from risk.service.errors import NetworkNotFoundError
from risk.store.audit import append_audit
from risk.store.records import ScoreRecord
from risk.store.scores import network_scores

FLAGGED_BANDS = ("high", "critical")
# Stored feature -> what it says about money crossing tiers.
FLOWS: dict[str, str] = {
    "downline_sales_amount": "stock_pushed_down",  # sold to its own downline agents
    "consumer_sales_amount": "consumer_sales",  # sold to real consumers
    "total_commission_amount": "commissions_up",  # paid to it from below and for sales
    "recruitment_commission_amount": "recruitment_commissions",
    "team_commission_amount": "team_commissions",
    "entry_fee": "entry_fees",  # paid on joining (flows up to the scheme)
}
MAX_FLAGGED_LISTED = 200


def _frame(records: list[ScoreRecord]) -> pd.DataFrame:
    """One row per account: tier, band, score and the money features (0 when unknown)."""
    features = pd.DataFrame.from_records([r.features or {} for r in records])
    money = features.reindex(columns=list(FLOWS)).apply(pd.to_numeric, errors="coerce")
    frame = money.fillna(0.0).rename(columns=FLOWS)
    frame["account_id"] = [r.account_id for r in records]
    frame["tier"] = pd.array([r.tier for r in records], dtype="Int64").fillna(-1)
    frame["band"] = [r.band for r in records]
    frame["score"] = [r.score for r in records]
    frame["rank"] = [r.rank for r in records]
    frame["flagged"] = frame["band"].isin(FLAGGED_BANDS)
    return frame


def tier_table(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per tier: accounts, flagged accounts, mean score and the money sums."""
    grouped = frame.groupby("tier", sort=True)
    table = grouped[list(FLOWS.values())].sum().round(2)
    table.insert(0, "accounts", grouped.size())
    table.insert(1, "flagged", grouped["flagged"].sum())
    table.insert(2, "mean_score", grouped["score"].mean().round(4))
    table = table.reset_index()
    table["tier"] = table["tier"].astype("int64")
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]


def network_view(engine: Engine, network_id: str, *, actor: str) -> dict[str, Any]:
    """The network's accounts per tier, its flagged accounts and flows; the view is audited."""
    records = network_scores(engine, network_id)
    append_audit(
        engine,
        actor=actor,
        action="network.view",
        target=network_id,
        details={"run_id": records[0].run_id if records else None, "accounts": len(records)},
    )
    if not records:
        raise NetworkNotFoundError(f"network {network_id!r} has no scored account in the run")
    frame = _frame(records)
    flagged = frame[frame["flagged"]].sort_values("rank").head(MAX_FLAGGED_LISTED)
    totals = frame[list(FLOWS.values())].sum().round(2)
    return {
        "network_id": network_id,
        "run_id": records[0].run_id,
        "accounts": len(frame),
        "flagged": int(frame["flagged"].sum()),
        "bands": {str(k): int(v) for k, v in frame["band"].value_counts().items()},
        "tiers": tier_table(frame),
        "totals": {str(k): float(v) for k, v in totals.items()},
        "flagged_accounts": [
            {
                "account_id": str(row.account_id),
                "tier": int(row.tier),
                "score": float(row.score),
                "band": str(row.band),
                "rank": int(row.rank),
            }
            for row in flagged.itertuples(index=False)
        ],
    }

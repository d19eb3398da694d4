"""The network around an account: accounts per tier and the money moving between tiers."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine

from risk.service.errors import NetworkNotFoundError
from risk.store.audit import append_audit
from risk.store.networks import network_groups

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


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """numpy scalars as Python numbers (the API's JSON encoder wants plain values)."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def tier_table(groups: pd.DataFrame) -> list[dict[str, Any]]:
    """Per tier: accounts, flagged accounts, mean score and the money sums."""
    flagged = groups["accounts"].where(groups["band"].isin(FLAGGED_BANDS), 0)
    per_tier = groups.assign(flagged=flagged).groupby("tier", sort=True).sum(numeric_only=True)
    table = per_tier[list(FLOWS.values())].round(2)
    table.insert(0, "accounts", per_tier["accounts"])
    table.insert(1, "flagged", per_tier["flagged"])
    table.insert(2, "mean_score", (per_tier["score_sum"] / per_tier["accounts"]).round(4))
    table = table.reset_index()
    table["tier"] = table["tier"].astype("int64")
    return [_plain(row) for row in table.to_dict(orient="records")]


def _bands(groups: pd.DataFrame) -> dict[str, int]:
    """Accounts per band, most first (ties: the band reached first by rank)."""
    per_band = groups.groupby("band").agg(accounts=("accounts", "sum"), first=("first_rank", "min"))
    ordered = per_band.sort_values(["accounts", "first"], ascending=[False, True])
    return {str(band): int(count) for band, count in ordered["accounts"].items()}


def network_view(engine: Engine, network_id: str, *, actor: str) -> dict[str, Any]:
    """The network's accounts per tier, its flagged accounts and flows; the view is audited."""
    found = network_groups(
        engine,
        network_id,
        money=list(FLOWS),
        flagged_bands=FLAGGED_BANDS,
        listed=MAX_FLAGGED_LISTED,
    )
    accounts = 0 if found is None else int(found.groups["accounts"].sum())
    append_audit(
        engine,
        actor=actor,
        action="network.view",
        target=network_id,
        details={"run_id": found.run_id if found and accounts else None, "accounts": accounts},
    )
    if found is None or not accounts:
        raise NetworkNotFoundError(f"network {network_id!r} has no scored account in the run")
    groups = found.groups.rename(columns=FLOWS)
    totals = groups[list(FLOWS.values())].sum().round(2)
    return {
        "network_id": network_id,
        "run_id": found.run_id,
        "accounts": accounts,
        "flagged": int(groups.loc[groups["band"].isin(FLAGGED_BANDS), "accounts"].sum()),
        "bands": _bands(groups),
        "tiers": tier_table(groups),
        "totals": {str(k): float(v) for k, v in totals.items()},
        "flagged_accounts": found.flagged,
    }

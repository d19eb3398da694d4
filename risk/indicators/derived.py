"""Quantities the rules read that the feature table states only indirectly.

The law counts tiers including the organizer's own tier, while the feature table stores depths
(the root is tier 0), so tiers = depth + 1. Derived columns are computed once per evaluation and
may be cited as evidence like any feature column.
"""

from __future__ import annotations

import pandas as pd

# derived column -> the feature columns it is computed from
DERIVED_SOURCES: dict[str, tuple[str, ...]] = {
    "network_tiers": ("network_depth",),
    "organization_participants": ("downline_size",),
    "organization_tiers": ("downline_depth",),
    "downline_based_pay": ("team_commission_amount", "recruitment_commission_amount"),
    "network_recruitment_commission_amount": ("network_id", "recruitment_commission_amount"),
}


def source_columns(columns: tuple[str, ...]) -> set[str]:
    """The feature columns needed to provide ``columns`` (derived ones resolved to sources)."""
    needed: set[str] = set()
    for column in columns:
        needed.update(DERIVED_SOURCES.get(column, (column,)))
    return needed


def prepare(features: pd.DataFrame) -> pd.DataFrame:
    """The feature table plus the derived columns (a new frame; the input is not changed)."""
    derived = {
        "network_tiers": features["network_depth"] + 1,
        # the account as organizer: itself plus its downline, its own tier plus those below
        "organization_participants": features["downline_size"] + 1,
        "organization_tiers": features["downline_depth"] + 1,
        "downline_based_pay": features["team_commission_amount"]
        + features["recruitment_commission_amount"],
        "network_recruitment_commission_amount": _network_recruitment_pay(features),
    }
    return features.assign(**derived)


def _network_recruitment_pay(features: pd.DataFrame) -> pd.Series:
    """Recruitment rewards paid anywhere in the account's network.

    Uses the feature column of that name when the feature table has one; otherwise sums over
    the accounts of the network present in this table, which is exact for a whole scoring run.
    """
    if "network_recruitment_commission_amount" in features.columns:
        return features["network_recruitment_commission_amount"].astype("float64")
    by_network = features.groupby("network_id", sort=False)["recruitment_commission_amount"]
    return by_network.transform("sum").astype("float64")

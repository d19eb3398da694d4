"""Every feature spec, in the column order of the feature table (declared per signal family)."""

from __future__ import annotations

from features.specs_account import IDENTITY, RECRUITMENT, STRUCTURE
from features.specs_base import FeatureSpec
from features.specs_money import CHURN, MONEY, NETWORK
from features.specs_trade import INVENTORY

SPECS: tuple[FeatureSpec, ...] = (
    *IDENTITY,
    *STRUCTURE,
    *RECRUITMENT,
    *INVENTORY,
    *MONEY,
    *CHURN,
    *NETWORK,
)

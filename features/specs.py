"""Every feature spec, in the column order of the feature table (declared per signal family)."""

from __future__ import annotations

from dataclasses import replace

from features.specs_account import IDENTITY, RECRUITMENT, STRUCTURE
from features.specs_base import FeatureSpec
from features.specs_money import CHURN, MONEY, NETWORK
from features.specs_relative import ENTRY_COST, RAW_MONEY, RELATIVE
from features.specs_trade import INVENTORY


def _for_reports_only(spec: FeatureSpec) -> FeatureSpec:
    """Raw currency amounts: kept for rules, reports and moderators, not fed to the model
    (their price-level-free versions in ``specs_relative`` are)."""
    return replace(spec, model_input=False) if spec.name in RAW_MONEY else spec


SPECS: tuple[FeatureSpec, ...] = (
    *IDENTITY,
    *STRUCTURE,
    *RECRUITMENT,
    *(_for_reports_only(spec) for spec in (*INVENTORY, *MONEY, *CHURN, *NETWORK)),
    *RELATIVE,
    *ENTRY_COST,
)

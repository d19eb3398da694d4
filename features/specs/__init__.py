"""Every feature spec, in the column order of the feature table: one module per signal group.

Each group module (``structure``, ``recruitment``, ``trade``, ``money``, ``churn``, ``network``,
``relative``, ``authenticity``, ``neighbours``) declares, as its ``SPECS``, the specs of exactly
the columns that its ``features.signals`` namesake computes; ``base`` holds the spec type and
the declaration helpers. ``features.signals.tables`` (the point-in-time view) computes no column,
so it has no partner here.
"""

from __future__ import annotations

from dataclasses import replace

from features.specs import (
    authenticity,
    churn,
    money,
    neighbours,
    network,
    recruitment,
    relative,
    structure,
    trade,
)
from features.specs.base import FeatureSpec
from features.specs.relative import RAW_MONEY


def _for_reports_only(spec: FeatureSpec) -> FeatureSpec:
    """Raw currency amounts: kept for rules, reports and moderators, not fed to the model
    (their price-level-free versions in ``relative`` are)."""
    return replace(spec, model_input=False) if spec.name in RAW_MONEY else spec


SPECS: tuple[FeatureSpec, ...] = (
    *structure.SPECS,
    *recruitment.SPECS,
    *(
        _for_reports_only(spec)
        for spec in (*trade.SPECS, *money.SPECS, *churn.SPECS, *network.SPECS)
    ),
    *relative.SPECS,
    *authenticity.SPECS,
    *neighbours.SPECS,
)

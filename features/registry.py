"""The feature registry: one spec per signal. Nothing else defines what a feature means.

Training, serving, the explainer and the reports read the specs here. The specs themselves are
declared in ``features/specs.py`` (grouped by signal family) and collected into ``REGISTRY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Group = Literal["identity", "structure", "recruitment", "inventory", "money", "churn", "network"]
Direction = Literal["higher", "lower", "neutral"]  # which direction is riskier
Unit = Literal["count", "share", "ratio", "money", "days", "tier"]
Dtype = Literal["float64", "int64", "str"]


@dataclass(frozen=True)
class FeatureSpec:
    """What one column of the feature table means.

    ``reason_en`` / ``reason_zh`` are sentence templates used by the explainer; they may use
    ``{value}`` (the account's value, formatted by ``unit``) and ``{reference}`` (the same feature
    among legitimate accounts of the training population, e.g. its median), e.g.
    ``"{value} of its sales go to its own downline agents (legitimate sellers: median {reference})"``.
    """

    name: str
    dtype: Dtype
    group: Group
    unit: Unit
    riskier: Direction
    description_en: str
    description_zh: str
    reason_en: str
    reason_zh: str
    model_input: bool = True  # False for identifiers such as network_id

    def format_value(self, value: float) -> str:
        """Render a value the way a moderator reads it (shares as percentages, money rounded)."""
        if self.unit == "share":
            return f"{value:.0%}"
        if self.unit == "ratio":
            return f"{value:.2f}"
        if self.unit == "money":
            return f"{value:,.0f}"
        if self.unit == "days":
            return f"{value:.0f}"
        return f"{value:,.0f}"

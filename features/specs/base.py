"""The feature spec type and the helpers that declare specs (see ``features.registry``)."""

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
    ``"{value} of its sales go to its own downline agents (legitimate sellers: median
    {reference})"``.
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


def feature(
    name: str,
    group: Group,
    unit: Unit,
    riskier: Direction,
    description: tuple[str, str],
    reason: tuple[str, str],
    *,
    dtype: Dtype = "float64",
    model_input: bool = True,
) -> FeatureSpec:
    """A spec from (English, Chinese) text pairs: keeps the group modules' declarations short."""
    return FeatureSpec(
        name=name,
        dtype=dtype,
        group=group,
        unit=unit,
        riskier=riskier,
        description_en=description[0],
        description_zh=description[1],
        reason_en=reason[0],
        reason_zh=reason[1],
        model_input=model_input,
    )


LEGIT_EN = " (legitimate sellers: median {reference})"
LEGIT_ZH = "（正常卖家中位数：{reference}）"


def reason(english: str, chinese: str) -> tuple[str, str]:
    """A reason template pair with the legitimate-population reference appended."""
    return english + LEGIT_EN, chinese + LEGIT_ZH

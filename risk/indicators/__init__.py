"""Legal indicators: rule packs per jurisdiction, evaluated over the feature table.

Indicators are evidence for a moderator or regulator, never verdicts: every text says the
account "meets the indicator" of a cited rule and shows the values it was measured on.
"""

from risk.indicators.engine import evaluate_indicators, fired_matrix, indicator_score
from risk.indicators.params import IndicatorParams
from risk.indicators.registry import ALL_RULES, RULE_PACKS, RULES_BY_ID
from risk.indicators.rule import Rule

__all__ = [
    "ALL_RULES",
    "RULES_BY_ID",
    "RULE_PACKS",
    "IndicatorParams",
    "Rule",
    "evaluate_indicators",
    "fired_matrix",
    "indicator_score",
]

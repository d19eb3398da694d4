"""The one list of rule packs: every jurisdiction's rules, in the order reports show them."""

from __future__ import annotations

from risk.indicators.cn import CN_RULES
from risk.indicators.eu import EU_RULES
from risk.indicators.rule import Rule
from risk.indicators.us import US_RULES

RULE_PACKS: dict[str, tuple[Rule, ...]] = {"CN": CN_RULES, "US": US_RULES, "EU": EU_RULES}
ALL_RULES: tuple[Rule, ...] = tuple(rule for pack in RULE_PACKS.values() for rule in pack)
RULES_BY_ID: dict[str, Rule] = {rule.rule_id: rule for rule in ALL_RULES}

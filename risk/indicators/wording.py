"""A fired indicator worded for a reader: its rule's title and sentence in the reader's language,
from the rule pack with the evidence and the thresholds the run stored (never stored as text)."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from features.registry import REGISTRY
from risk.indicators.params import MONEY_PARAMS, IndicatorParams
from risk.indicators.registry import RULES_BY_ID
from risk.vocab import Lang

# What a run stored before it kept its thresholds (issue 14) is worded with the defaults.
DEFAULT_PARAMS: dict[str, float | int | bool] = IndicatorParams().as_dict()


class Amount(float):
    """A money value that prints the platform's currency code after its number, whatever the
    rule's format spec (``{network_entry_fees:,.2f}`` -> "2,600,000.00 CNY"): the rule packs'
    sentences stay as the law words them, and every amount they show says its currency."""

    currency: str

    def __new__(cls, value: float, currency: str) -> Amount:
        amount = super().__new__(cls, value)
        amount.currency = currency
        return amount

    def __format__(self, spec: str) -> str:
        return f"{float(self).__format__(spec)} {self.currency}"


def _with_currency(values: Mapping[str, Any], money: set[str], currency: str) -> dict[str, Any]:
    """``values`` with the amounts among ``money`` carrying ``currency`` (missing stays so)."""
    return {
        name: Amount(float(value), currency)
        if name in money and isinstance(value, int | float) and not isinstance(value, bool)
        else value
        for name, value in values.items()
    }


_MONEY_EVIDENCE = {name for name, spec in REGISTRY.items() if spec.unit == "money"}


def indicator_title(item: Mapping[str, Any], lang: Lang) -> str:
    """The rule's title in ``lang``; the rule id when no rule pack has it (a retired rule)."""
    rule_id = str(item.get("rule_id", ""))
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        return rule_id
    return rule.title_zh if lang == "zh" else rule.title_en


def indicator_text(item: Mapping[str, Any], lang: Lang, currency: str | None = None) -> str:
    """The indicator's sentence in ``lang`` from its rule pack, the stored evidence and the
    stored thresholds of its run; with ``currency`` (``RISK_CURRENCY``) every amount says it.

    Stored before runs kept thresholds (``text``, no ``params``): English shows the stored
    sentence, other languages are worded with the default thresholds. A rule no pack has any
    more shows what was stored.
    """
    rule = RULES_BY_ID.get(str(item.get("rule_id", "")))
    stored, params = item.get("text"), item.get("params")
    if rule is None or (params is None and lang == "en" and stored is not None):
        return str(stored or "")
    evidence: Mapping[str, Any] = item.get("evidence") or {}
    constants: Mapping[str, Any] = ChainMap(dict(params or {}), DEFAULT_PARAMS)
    if currency:
        evidence = _with_currency(evidence, _MONEY_EVIDENCE, currency)
        constants = _with_currency(dict(constants), set(MONEY_PARAMS), currency)
    return rule.text(lang, evidence, constants)


def worded_indicator(
    item: Mapping[str, Any], lang: Lang, currency: str | None = None
) -> dict[str, Any]:
    """A copy of a stored indicator with its ``title`` and ``text`` in ``lang``."""
    text = indicator_text(item, lang, currency)
    return {**item, "title": indicator_title(item, lang), "text": text}


def worded_indicators(
    items: list[Any] | None, lang: Lang, currency: str | None = None
) -> list[dict[str, Any]]:
    """Every stored indicator of an account worded in ``lang`` (none stored: an empty list)."""
    return [worded_indicator(item, lang, currency) for item in items or []]

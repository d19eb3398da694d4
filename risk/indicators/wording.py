"""A fired indicator worded for a reader: its rule's title and sentence in the reader's language,
from the rule pack with the evidence and the thresholds the run stored (never stored as text)."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from risk.indicators.params import IndicatorParams
from risk.indicators.registry import RULES_BY_ID
from risk.vocab import Lang

# What a run stored before it kept its thresholds (issue 14) is worded with the defaults.
DEFAULT_PARAMS: dict[str, float | int | bool] = IndicatorParams().as_dict()


def indicator_title(item: Mapping[str, Any], lang: Lang) -> str:
    """The rule's title in ``lang``; the rule id when no rule pack has it (a retired rule)."""
    rule_id = str(item.get("rule_id", ""))
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        return rule_id
    return rule.title_zh if lang == "zh" else rule.title_en


def indicator_text(item: Mapping[str, Any], lang: Lang) -> str:
    """The indicator's sentence in ``lang`` from its rule pack, the stored evidence and the
    stored thresholds of its run.

    Stored before runs kept thresholds (``text``, no ``params``): English shows the stored
    sentence, other languages are worded with the default thresholds. A rule no pack has any
    more shows what was stored.
    """
    rule = RULES_BY_ID.get(str(item.get("rule_id", "")))
    stored, params = item.get("text"), item.get("params")
    if rule is None or (params is None and lang == "en" and stored is not None):
        return str(stored or "")
    constants = ChainMap(dict(params or {}), DEFAULT_PARAMS)
    return rule.text(lang, item.get("evidence") or {}, constants)


def worded_indicator(item: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """A copy of a stored indicator with its ``title`` and ``text`` in ``lang``."""
    return {**item, "title": indicator_title(item, lang), "text": indicator_text(item, lang)}


def worded_indicators(items: list[Any] | None, lang: Lang) -> list[dict[str, Any]]:
    """Every stored indicator of an account worded in ``lang`` (none stored: an empty list)."""
    return [worded_indicator(item, lang) for item in items or []]

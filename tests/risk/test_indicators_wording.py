"""Fired indicators worded when read: from the rule pack, the evidence and the stored thresholds."""

from __future__ import annotations

from dataclasses import fields
from string import Formatter
from typing import Any

import pytest

from risk.indicators import ALL_RULES, RULES_BY_ID, IndicatorParams
from risk.indicators.rule import Rule
from risk.indicators.wording import (
    indicator_text,
    indicator_title,
    worded_indicator,
    worded_indicators,
)

NETWORK_EVIDENCE: dict[str, Any] = {
    "network_size": 64,
    "network_tiers": 5,
    "network_entry_fees": 3200.0,
    "network_recruitment_commission_amount": 910.0,
}
STRICTER = {"cn_criminal_participants": 50, "cn_criminal_tiers": 4}  # not the defaults (30, 3)


def _network(**extra: Any) -> dict[str, Any]:
    rule = RULES_BY_ID["CN-CRIM-78-NETWORK"]
    return {**rule.fired(NETWORK_EVIDENCE, dict(STRICTER)), **extra}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.rule_id)
def test_every_placeholder_is_evidence_or_a_stored_threshold(rule: Rule) -> None:
    params = set(rule.template_params())
    assert params <= {f.name for f in fields(IndicatorParams)}
    for template in (rule.text_en, rule.text_zh):
        named = {name for _, name, _, _ in Formatter().parse(template) if name}
        assert named <= set(rule.evidence_columns) | params
    stored = rule.params_in(IndicatorParams().as_dict())
    evidence = dict.fromkeys(rule.evidence_columns, 1)
    # what a run stores is enough to word it: no default is looked up
    for lang in ("en", "zh"):
        assert "{" not in rule.text(lang, evidence, stored)  # type: ignore[arg-type]


def test_the_sentence_follows_the_thresholds_stored_with_the_run() -> None:
    item = _network()
    assert item["params"] == STRICTER and "text" not in item
    english, chinese = indicator_text(item, "en"), indicator_text(item, "zh")
    assert "threshold: 50 or more in 4 or more" in english
    assert "标准为 50 人以上且 4 级以上" in chinese and "64" in chinese
    defaults = indicator_text({**item, "params": {}}, "zh")  # none stored: the defaults
    assert "标准为 30 人以上且 3 级以上" in defaults


def test_worded_copies_carry_title_and_text_and_leave_the_stored_item_alone() -> None:
    item = _network()
    shown = worded_indicator(item, "zh")
    assert shown["title"] == RULES_BY_ID["CN-CRIM-78-NETWORK"].title_zh
    assert shown["params"] == STRICTER and shown["evidence"] == NETWORK_EVIDENCE
    assert "text" not in item and "title" not in item
    assert [i["title"] for i in worded_indicators([item], "en")] == [
        RULES_BY_ID["CN-CRIM-78-NETWORK"].title_en
    ]
    assert worded_indicators(None, "zh") == []


def test_items_stored_before_params_show_their_english_and_word_chinese_with_defaults() -> None:
    old = {k: v for k, v in _network(text="Stored English sentence.").items() if k != "params"}
    assert indicator_text(old, "en") == "Stored English sentence."
    assert "标准为 30 人以上且 3 级以上" in indicator_text(old, "zh")


def test_a_rule_no_pack_has_shows_what_was_stored() -> None:
    retired = {"rule_id": "XX-RETIRED", "text": "Stored.", "evidence": {}}
    assert indicator_title(retired, "zh") == "XX-RETIRED"
    assert indicator_text(retired, "zh") == "Stored."
    assert indicator_text({"rule_id": "XX-RETIRED"}, "en") == ""

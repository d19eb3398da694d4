"""Reasons that read true: at most four principal reasons, each sentence agreeing with its
direction, the account's own signals before its network's, no tiny pushes; numbers and grammar
(singular for one, "None" for 0%, "<1%", the top of a network) in English and Chinese."""

from __future__ import annotations

from typing import Any

from features.registry import REGISTRY
from models.explain_text import principal_reasons, reason_text


def _reason(feature: str, value: float, contribution: float, reference: float) -> dict[str, Any]:
    return {
        "feature": feature,
        "value": value,
        "contribution": contribution,
        "reference": reference,
    }


def test_the_organizer_of_a_scheme_reads_no_risky_sentence_under_lowers_the_risk() -> None:
    # The cases a moderator saw on the organizer of an 800-account scheme.
    gini = _reason("network_income_gini", 0.85, -0.4, 0.3)  # risky value, lowers: left out
    top = _reason("tier_capped", 0.0, -0.3, 3.0)  # at the top lowers: agrees, kept
    gain = _reason("net_gain_to_typical_order", 3108.95, -0.5, 1.0)  # no direction: left out
    tiny = _reason("recruits_30d", 40.0, 0.01, 0.0)  # +0.01: too small to matter
    recruits = _reason("direct_recruits", 25.0, 1.2, 1.0)
    shown = principal_reasons([recruits, gain, gini, top, tiny])
    assert [r["feature"] for r in shown] == ["direct_recruits", "tier_capped"]
    assert reason_text(REGISTRY["tier_capped"], 0.0, 3.0, "en").startswith(
        "It is at the top of its network"
    )
    assert reason_text(REGISTRY["tier_capped"], 0.0, 3.0, "zh").startswith("其位于所在网络顶端")


def test_at_most_four_and_the_accounts_own_signals_before_its_networks() -> None:
    shared = [_reason("network_churn_share", 0.6, 2.0 - i / 10, 0.1) for i in range(3)]
    own = [_reason("recruits_30d", 30.0, 1.0 - i / 10, 0.0) for i in range(5)]
    shown = principal_reasons(shared + own)
    assert [r["feature"] for r in shown] == ["recruits_30d"] * 4  # its own come first
    shown = principal_reasons(shared + own[:2])
    assert [r["feature"] for r in shown] == ["recruits_30d"] * 2 + ["network_churn_share"]
    # With nothing of its own, its network's signals still explain it.
    assert len(principal_reasons(shared)) == 3


def test_older_stored_reasons_without_a_reference_keep_their_order() -> None:
    old = [
        {"feature": "recruits_30d", "value": 3.0, "contribution": c, "text": "t"} for c in (1, 0.5)
    ]
    assert principal_reasons(old) == old


def test_numbers_and_grammar_in_english_and_chinese() -> None:
    direct = REGISTRY["direct_recruits"]
    assert reason_text(direct, 1.0, 0.0, "en").startswith("It recruited 1 agent directly")
    assert reason_text(direct, 2.0, 0.0, "en").startswith("It recruited 2 agents directly")
    share = REGISTRY["consumer_sales_share"]
    assert reason_text(share, 0.0, 0.6, "en").startswith("None of its sales go to end consumers")
    assert "仅" not in reason_text(share, 0.0, 0.6, "zh")
    assert reason_text(share, 0.001, 0.6, "en").startswith("Only <1% of its sales")
    bonuses = REGISTRY["recruitment_commission_to_typical_order"]
    sentence = reason_text(bonuses, 3108.95, 0.0, "en")
    assert "equals" not in sentence and "3,109 typical orders" in sentence
    downline = REGISTRY["downline_size"]
    assert "12,345 accounts" in reason_text(downline, 12345.0, 0.0, "en")

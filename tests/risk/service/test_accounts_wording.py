"""The service words what a run stored, in the reader's language: reasons, indicators, sales."""

from __future__ import annotations

import re

from features.registry import REGISTRY
from models.explain_text import reason_text
from risk.indicators.wording import worded_indicators
from risk.service.accounts import feature_values, worded_reasons
from risk.vocab import SALES_FEATURES

CJK = re.compile(r"[\u4e00-\u9fff]{4}")
RECRUITS = {"feature": "recruits_30d", "value": 31.0, "contribution": 0.8, "reference": 2.0}
ENTRY_FEE = {
    "rule_id": "CN-7-2-ENTRY-FEE",
    "jurisdiction": "CN",
    "citation": "《禁止传销条例》第七条第（二）项",
    "text": "Meets the indicator of an entry fee (stored English sentence).",
    "evidence": {"entry_fee": 412.0, "downline_entry_fees": 0.0, "first_stock_purchase_amount": 0},
}


def test_reasons_stored_as_data_are_worded_in_the_readers_language() -> None:
    spec = REGISTRY["recruits_30d"]
    for lang in ("en", "zh"):
        shown = worded_reasons([RECRUITS], lang)[0]  # type: ignore[arg-type]
        assert shown == {**RECRUITS, "text": reason_text(spec, 31.0, 2.0, lang)}  # type: ignore[arg-type]
    assert CJK.search(worded_reasons([RECRUITS], "zh")[0]["text"])
    assert "text" not in RECRUITS  # the stored reason is not changed
    assert worded_reasons(None, "zh") == []


def test_reasons_stored_before_references_show_their_english() -> None:
    old = {"feature": "recruits_30d", "value": 31.0, "contribution": 0.8, "text": "Stored."}
    for lang in ("en", "zh"):
        shown = worded_reasons([old], lang)[0]  # type: ignore[arg-type]
        assert shown["text"] == "Stored." and shown["reference"] is None


def test_indicators_stored_before_params_keep_english_and_reword_chinese() -> None:
    english = worded_indicators([ENTRY_FEE], "en")[0]
    assert english["text"] == ENTRY_FEE["text"]
    assert english["title"].startswith("Entry fee")
    chinese = worded_indicators([ENTRY_FEE], "zh")[0]
    assert "412.00" in chinese["text"] and CJK.search(chinese["text"])
    assert chinese["title"] == "收取入门费"
    assert chinese["citation"] == ENTRY_FEE["citation"]
    assert ENTRY_FEE["text"].startswith("Meets")  # the stored record is not changed


def test_an_unknown_rule_is_shown_as_stored() -> None:
    retired = {**ENTRY_FEE, "rule_id": "XX-RETIRED"}
    shown = worded_indicators([retired], "zh")[0]
    assert shown["title"] == "XX-RETIRED" and shown["text"] == ENTRY_FEE["text"]
    assert worded_indicators(None, "en") == []


def test_sales_rows_format_by_unit_and_mark_missing_values() -> None:
    features = {"consumer_sales_amount": 12345.6, "refund_share": 0.153, "unique_consumers": None}
    shown = feature_values(SALES_FEATURES, features, {}, "en", missing="–")
    rows = {r["feature"]: r for r in shown}
    assert list(rows) == list(SALES_FEATURES)
    assert rows["consumer_sales_amount"]["display"] == "12,346"
    assert rows["refund_share"]["display"] == "15%"
    assert rows["unique_consumers"]["display"] == "–" and rows["stock_purchases_amount"]["display"]
    chinese = feature_values(("refund_share",), features, {"refund_share": 98.0}, "zh")[0]
    assert chinese["percentile"] == 98.0 and "退款" in chinese["description"]

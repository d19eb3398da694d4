"""The console's service helpers: indicators and sales rows worded in the reader's language."""

from __future__ import annotations

import re

from risk.service.accounts import feature_values, indicators_in
from risk.vocab import SALES_FEATURES

ENTRY_FEE = {
    "rule_id": "CN-7-2-ENTRY-FEE",
    "jurisdiction": "CN",
    "citation": "《禁止传销条例》第七条第（二）项",
    "text": "Meets the indicator of an entry fee (stored English sentence).",
    "evidence": {"entry_fee": 412.0, "downline_entry_fees": 0.0, "first_stock_purchase_amount": 0},
}


def test_indicators_keep_the_stored_english_and_reword_chinese_from_the_rule_pack() -> None:
    english = indicators_in([ENTRY_FEE], "en")[0]
    assert english["text"] == ENTRY_FEE["text"]
    assert english["title"].startswith("Entry fee")
    chinese = indicators_in([ENTRY_FEE], "zh")[0]
    assert "412.00" in chinese["text"] and re.search(r"[\u4e00-\u9fff]{4}", chinese["text"])
    assert chinese["title"] == "收取入门费"
    assert chinese["citation"] == ENTRY_FEE["citation"]
    assert ENTRY_FEE["text"].startswith("Meets")  # the stored record is not changed


def test_an_unknown_rule_is_shown_as_stored() -> None:
    retired = {**ENTRY_FEE, "rule_id": "XX-RETIRED"}
    shown = indicators_in([retired], "zh")[0]
    assert shown["title"] == "XX-RETIRED" and shown["text"] == ENTRY_FEE["text"]
    assert indicators_in(None, "en") == []


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

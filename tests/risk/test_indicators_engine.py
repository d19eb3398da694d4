"""The indicator engine: output shape, ordering, wording of every rule, encoding end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.indicators import (
    ALL_RULES,
    RULE_PACKS,
    IndicatorParams,
    evaluate_indicators,
    fired_matrix,
    indicator_score,
)
from risk.indicators.errors import MissingFeatureColumnsError, UnknownJurisdictionError
from risk.indicators.wording import indicator_text, worded_indicator
from tests.risk.test_indicators_support import SHOP, rows

# an organizer of a large entry-fee scheme: meets every indicator of every pack at once
EVERYTHING: dict[str, Any] = {
    "network_id": "scheme",
    "direct_recruits": 12,
    "downline_size": 400,
    "downline_depth": 6,
    "network_size": 401,
    "network_depth": 6,
    "consumer_sales_amount": 100.0,
    "downline_sales_amount": 9_900.0,
    "consumer_sales_share": 0.01,
    "stock_purchases_amount": 20_000.0,
    "stock_purchase_count": 8,
    "first_stock_purchase_amount": 3_000.0,
    "sell_through_ratio": 0.2,
    "unique_consumers": 3,
    "entry_fee": 0.0,
    "downline_entry_fees": 120_000.0,
    "network_entry_fees": 120_000.0,
    "total_commission_amount": 50_000.0,
    "recruitment_commission_amount": 40_000.0,
    "team_commission_amount": 10_000.0,
    "recruitment_commission_share": 0.8,
    "income_from_downline_share": 1.0,
    "pay_to_consumer_sales_ratio": 500.0,
    "downline_consumer_sales_share": 0.05,
}
RETAIL_SHOP = {
    "consumer_sales_amount": 5_000.0,
    "consumer_sales_share": 1.0,
    "stock_purchases_amount": 3_000.0,
    "stock_purchase_count": 4,
    "first_stock_purchase_amount": 600.0,
    "sell_through_ratio": 0.95,
    "unique_consumers": 80,
    "downline_consumer_sales_share": 1.0,
    "network_consumer_sales_share": 1.0,
}
BANNED_WORDS = ("illegal", "unlawful", "guilty", "violat", "crime")


def _everything_items(lang: str = "en") -> list[dict[str, Any]]:
    """Every indicator of EVERYTHING, worded in ``lang`` as a reader gets it."""
    items = evaluate_indicators(rows(EVERYTHING)).iloc[0]
    return [worded_indicator(item, lang) for item in items]  # type: ignore[arg-type]


def test_all_zero_and_retail_shops_meet_no_indicator() -> None:
    features = rows({}, RETAIL_SHOP)
    assert evaluate_indicators(features).tolist() == [[], []]
    assert not fired_matrix(features).to_numpy().any()
    assert indicator_score(features).tolist() == [0.0, 0.0]


def test_every_rule_fires_in_registry_order() -> None:
    items = _everything_items()
    assert [i["rule_id"] for i in items] == [rule.rule_id for rule in ALL_RULES]
    assert [i["jurisdiction"] for i in items] == sorted(
        (i["jurisdiction"] for i in items), key=list(RULE_PACKS).index
    )
    assert indicator_score(rows(EVERYTHING)).tolist() == [pytest.approx(1.0)]


def test_items_are_data_with_the_thresholds_their_sentences_name() -> None:
    items = evaluate_indicators(rows(EVERYTHING)).iloc[0]
    defaults = IndicatorParams().as_dict()
    for item, rule in zip(items, ALL_RULES, strict=True):
        assert list(item) == ["rule_id", "jurisdiction", "citation", "evidence", "params"]
        assert item["citation"] == rule.citation
        assert list(item["evidence"]) == list(rule.evidence_columns)
        assert item["params"] == rule.params_in(defaults)


def test_items_keep_the_thresholds_of_their_run_for_every_language() -> None:
    lenient = IndicatorParams(cn_criminal_participants=25, cn_criminal_tiers=2)
    items = evaluate_indicators(rows(EVERYTHING), params=lenient).iloc[0]
    network = next(i for i in items if i["rule_id"] == "CN-CRIM-78-NETWORK")
    assert network["params"] == {"cn_criminal_participants": 25, "cn_criminal_tiers": 2}
    assert "threshold: 25 or more in 2 or more" in indicator_text(network, "en")
    assert "标准为 25 人以上且 2 级以上" in indicator_text(network, "zh")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.rule_id)
def test_english_says_meets_the_indicator_never_a_verdict(rule: Any) -> None:
    item = next(i for i in _everything_items("en") if i["rule_id"] == rule.rule_id)
    assert "meets the indicator" in item["text"].lower()
    assert not any(word in item["text"].lower() for word in BANNED_WORDS)
    assert "{" not in item["text"] and "n/a" not in item["text"]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.rule_id)
def test_chinese_text_present_for_every_rule(rule: Any) -> None:
    item = next(i for i in _everything_items("zh") if i["rule_id"] == rule.rule_id)
    assert "符合" in item["text"] and "指标特征" in item["text"]
    assert not any(word in item["text"] for word in ("违法", "非法", "犯罪"))
    assert "{" not in item["text"]
    assert rule.title_zh


def test_languages_share_evidence_and_citation() -> None:
    for en, zh in zip(_everything_items("en"), _everything_items("zh"), strict=True):
        assert en["evidence"] == zh["evidence"] and en["citation"] == zh["citation"]
        assert en["text"] != zh["text"]


def test_json_round_trip_keeps_chinese(tmp_path: Path) -> None:
    items = _everything_items("zh")
    text = json.dumps(items, ensure_ascii=False)
    assert "拉人头" in text and "\\u" not in text
    path = tmp_path / "indicators.json"
    path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_bytes().decode("utf-8")) == items


def test_csv_and_parquet_round_trip_keep_chinese(tmp_path: Path) -> None:
    indicators = evaluate_indicators(rows(EVERYTHING, {})).map(
        lambda items: [worded_indicator(item, "zh") for item in items]
    )
    table = pd.DataFrame(
        {
            "account_id": indicators.index,
            "indicators": indicators.map(
                lambda items: json.dumps(items, ensure_ascii=False)
            ).to_numpy(),
        }
    )
    table.to_csv(tmp_path / "scores.csv", index=False, encoding="utf-8")
    table.to_parquet(tmp_path / "scores.parquet")
    for back in (
        pd.read_csv(tmp_path / "scores.csv"),
        pd.read_parquet(tmp_path / "scores.parquet"),
    ):
        decoded = back["indicators"].map(json.loads).tolist()
        assert decoded == indicators.tolist()
        assert "《禁止传销条例》" in decoded[0][0]["citation"]


def test_index_is_kept_and_params_override() -> None:
    features = rows(EVERYTHING, {}).set_axis(pd.Index(["007", "7"], name="account_id"))
    result = evaluate_indicators(features, params=IndicatorParams(cn_criminal_participants=1000))
    assert result.index.tolist() == ["007", "7"]
    ids = [i["rule_id"] for i in result["007"]]
    assert "CN-CRIM-78-NETWORK" not in ids and "CN-7-1-RECRUITMENT" in ids


def test_jurisdiction_filter_and_unknown_jurisdiction() -> None:
    items = evaluate_indicators(rows(EVERYTHING), jurisdictions=["EU"]).iloc[0]
    assert [i["rule_id"] for i in items] == ["EU-UCPD-ANNEX1-14"]
    assert list(fired_matrix(rows(EVERYTHING), jurisdictions={"US"})) == [
        r.rule_id for r in RULE_PACKS["US"]
    ]
    with pytest.raises(UnknownJurisdictionError, match="UK"):
        evaluate_indicators(rows(EVERYTHING), jurisdictions=["UK"])


def test_missing_columns_named() -> None:
    features = rows(EVERYTHING).drop(columns=["network_depth", "entry_fee"])
    with pytest.raises(MissingFeatureColumnsError, match="entry_fee, network_depth") as error:
        evaluate_indicators(features)
    assert error.value.http_status == 422


def test_evidence_is_json_native() -> None:
    for item in _everything_items():
        for value in item["evidence"].values():
            assert value is None or type(value) in (int, float)


AMOUNT = st.floats(min_value=0, max_value=1e6, allow_nan=False)
SHARE = st.floats(min_value=0, max_value=1, allow_nan=False)
COUNT = st.integers(min_value=0, max_value=500)


@settings(max_examples=25, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "network_size": COUNT,
            "network_depth": st.integers(0, 10),
            "downline_size": COUNT,
            "downline_depth": st.integers(0, 10),
            "unique_consumers": COUNT,
            "stock_purchase_count": st.integers(0, 10),
            "entry_fee": AMOUNT,
            "network_entry_fees": AMOUNT,
            "recruitment_commission_amount": AMOUNT,
            "team_commission_amount": AMOUNT,
            "total_commission_amount": AMOUNT,
            "consumer_sales_amount": AMOUNT,
            "downline_sales_amount": AMOUNT,
            "consumer_sales_share": SHARE,
            "sell_through_ratio": SHARE,
            "recruitment_commission_share": SHARE,
            "downline_consumer_sales_share": SHARE,
        }
    )
)
def test_lists_match_the_fired_matrix_and_score_is_weighted_share(row: dict[str, Any]) -> None:
    features = rows(row, SHOP)
    fired = fired_matrix(features)
    listed = evaluate_indicators(features)
    for account in features.index:
        assert [i["rule_id"] for i in listed[account]] == fired.columns[fired.loc[account]].tolist()
    score = indicator_score(features)
    weights = np.array([r.weight for r in ALL_RULES])
    assert np.allclose(score, fired.to_numpy() @ weights / weights.sum())
    assert ((score >= 0) & (score <= 1)).all() and score[1] == 0.0


def test_real_feature_table_from_the_simulator() -> None:
    from features.build import build_features
    from training.simulator.config import SimulationConfig
    from training.simulator.platform import simulate_platform

    snapshot = simulate_platform(SimulationConfig(accounts=1500, seed=3))
    features = build_features(snapshot)
    items = evaluate_indicators(features)
    assert items.index.equals(features.index)
    fired = [worded_indicator(item, "zh") for account in items for item in account]
    assert fired and all("指标特征" in item["text"] for item in fired)
    assert json.loads(json.dumps(fired, ensure_ascii=False)) == fired
    assert snapshot.labels is not None
    labels = snapshot.labels.set_index("account_id")["label"].reindex(features.index)
    score = pd.Series(indicator_score(features), index=features.index)
    assert score[labels == 1].mean() > score[labels == 0].mean()

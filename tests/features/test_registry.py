"""The registry is the single definition of every built column."""

from __future__ import annotations

import re

import pandas as pd

from features.build import build_features
from features.registry import FEATURE_REGISTRY_VERSION, REGISTRY, model_feature_names
from tests.features.test_build_shapes import thirty_one_snapshot

CJK = re.compile(r"[\u4e00-\u9fff]")

REQUIRED = [
    "network_id",
    "tier",
    "direct_recruits",
    "downline_size",
    "downline_depth",
    "network_size",
    "network_depth",
    "recruits_30d",
    "downline_growth_90d",
    "consumer_sales_amount",
    "downline_sales_amount",
    "consumer_sales_share",
    "stock_purchases_amount",
    "sell_through_ratio",
    "unique_consumers",
    "repeat_consumer_share",
    "entry_fee",
    "downline_entry_fees",
    "recruitment_commission_share",
    "income_from_downline_share",
    "downline_churn_share",
    "recruits_7d",
    "recruits_90d",
    "total_commission_amount",
    "recruitment_commission_amount",
    "team_commission_amount",
    "retail_commission_amount",
    "pay_to_consumer_sales_ratio",
    "first_stock_purchase_amount",
    "stock_purchase_count",
    "downline_consumer_sales_share",
    "network_consumer_sales_share",
    "network_entry_fees",
    "network_income_gini",
    "network_top1_income_share",
    "network_churn_share",
    "refund_share",
    "days_to_first_recruit",
    "account_age_days",
    "downline_left_with_stock_share",
    "is_active",
]


def test_every_built_column_has_a_spec_and_every_spec_is_built() -> None:
    table = build_features(thirty_one_snapshot())
    assert list(table.columns) == list(REGISTRY)
    for name, spec in REGISTRY.items():
        expected = "str" if spec.dtype == "str" else spec.dtype
        assert str(table[name].dtype) == expected, name


def test_fixed_names_are_present_and_region_never_is() -> None:
    assert set(REQUIRED) <= set(REGISTRY)
    assert "region" not in REGISTRY and "declared_level" not in REGISTRY
    assert not REGISTRY["network_id"].model_input
    assert "network_id" not in model_feature_names()


def test_at_least_thirty_model_features_in_registry_order() -> None:
    names = model_feature_names()
    assert len(names) >= 30
    assert names == [n for n in REGISTRY if REGISTRY[n].model_input]


def test_texts_in_english_and_chinese_with_templates_that_render() -> None:
    for spec in REGISTRY.values():
        assert spec.description_en and spec.reason_en and not CJK.search(spec.reason_en[:1])
        assert CJK.search(spec.description_zh) and CJK.search(spec.reason_zh), spec.name
        assert "{value}" in spec.reason_en and "{value}" in spec.reason_zh, spec.name
        if spec.model_input:
            value, reference = spec.format_value(0.42), spec.format_value(0.1)
            assert value in spec.reason_en.format(value=value, reference=reference)
            assert "{reference}" in spec.reason_en and "{reference}" in spec.reason_zh


def test_version_is_a_short_stable_hash() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", FEATURE_REGISTRY_VERSION)


def test_model_inputs_are_finite_numbers() -> None:
    table = build_features(thirty_one_snapshot())[model_feature_names()]
    assert all(pd.api.types.is_numeric_dtype(t) for t in table.dtypes)
    assert table.notna().all().all()

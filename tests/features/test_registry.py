"""The registry is the single definition of every built column."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from types import ModuleType

import pandas as pd
import pytest

import features.build
import features.signals
import features.specs
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


def _submodules(package: ModuleType) -> set[str]:
    return {info.name for info in pkgutil.iter_modules(package.__path__)}


SPEC_GROUPS = _submodules(features.specs) - {"base"}
SIGNAL_GROUPS = _submodules(features.signals) - {"tables"}


def test_specs_and_signals_modules_pair_one_to_one() -> None:
    assert SPEC_GROUPS == SIGNAL_GROUPS
    assert "structure" in SPEC_GROUPS and "base" not in SIGNAL_GROUPS


def _columns_built_by_group(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Build a table with every group's ``<group>_signals`` builder wrapped to record the columns
    it returns (intermediate ``_`` columns aside)."""
    built: dict[str, set[str]] = {}
    for group in sorted(SIGNAL_GROUPS):
        name = f"{group}_signals"
        builder = getattr(importlib.import_module(f"features.signals.{group}"), name)
        assert getattr(features.build, name) is builder, f"build does not call {name}"

        def recording(
            *args: object, _group: str = group, _builder: Callable[..., pd.DataFrame] = builder
        ) -> pd.DataFrame:
            frame = _builder(*args)
            built[_group] = {column for column in frame.columns if not column.startswith("_")}
            return frame

        monkeypatch.setattr(features.build, name, recording)
    build_features(thirty_one_snapshot())
    return built


def test_each_specs_module_declares_exactly_what_its_signals_module_builds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = _columns_built_by_group(monkeypatch)
    assert set(built) == SIGNAL_GROUPS
    declared = {
        group: [spec.name for spec in importlib.import_module(f"features.specs.{group}").SPECS]
        for group in SPEC_GROUPS
    }
    for group in sorted(SPEC_GROUPS):
        assert set(declared[group]) == built[group], group
    every = [name for names in declared.values() for name in names]
    assert sorted(every) == sorted(REGISTRY)  # every spec in exactly one group module

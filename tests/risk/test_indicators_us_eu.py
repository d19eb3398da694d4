"""US and EU rule packs: both sides of every boundary, evidence values and wording."""

from __future__ import annotations

from typing import Any

import pytest

from risk.indicators import IndicatorParams
from tests.risk.test_indicators_support import fires, indicator

RECRUITER: dict[str, Any] = {
    "recruitment_commission_amount": 120.0,
    "recruitment_commission_share": 0.6,
}


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({**RECRUITER, "entry_fee": 99.0}, True),
        ({**RECRUITER, "downline_entry_fees": 10.0}, True),
        ({**RECRUITER, "first_stock_purchase_amount": 500.0}, True),
        (RECRUITER, False),  # no payment for the right to sell
        ({"entry_fee": 99.0}, False),  # paid, but no reward for recruiting
    ],
)
def test_koscot_needs_both_prongs(override: dict[str, Any], expected: bool) -> None:
    assert fires("US-KOSCOT", **override) is expected


@pytest.mark.parametrize(
    ("orders", "sell_through", "expected"),
    [(2, 0.69, True), (2, 0.70, False), (1, 0.10, False), (5, 0.0, True)],
)
def test_amway_70_percent_rule(orders: int, sell_through: float, expected: bool) -> None:
    override = {"stock_purchase_count": orders, "sell_through_ratio": sell_through}
    assert fires("US-AMWAY-70", **override) is expected


def test_amway_70_evidence() -> None:
    item = indicator(
        "US-AMWAY-70", stock_purchase_count=3, stock_purchases_amount=900.0, sell_through_ratio=0.69
    )
    assert item["evidence"] == {
        "stock_purchase_count": 3,
        "stock_purchases_amount": 900.0,
        "sell_through_ratio": 0.69,
    }
    assert "only 69% sold through (safeguard: 70% before reordering)" in item["text"]


@pytest.mark.parametrize(
    ("customers", "team_pay", "expected"), [(9, 10.0, True), (10, 10.0, False), (0, 0.0, False)]
)
def test_amway_10_customer_rule(customers: int, team_pay: float, expected: bool) -> None:
    override = {"unique_consumers": customers, "team_commission_amount": team_pay}
    assert fires("US-AMWAY-10", **override) is expected


def test_amway_10_counts_recruitment_pay_as_downline_pay() -> None:
    item = indicator("US-AMWAY-10", unique_consumers=9, **RECRUITER)
    assert item["evidence"] == {"downline_based_pay": 120.0, "unique_consumers": 9}


@pytest.mark.parametrize(
    ("share", "expected"), [(0.79, True), (0.80, False), (0.95, False), (0.0, True)]
)
def test_herbalife_80_percent_to_end_users(share: float, expected: bool) -> None:
    override = {
        "consumer_sales_amount": 100.0 * share,
        "downline_sales_amount": 100.0 * (1 - share),
        "consumer_sales_share": share,
    }
    assert fires("US-HERBALIFE-80", **override) is expected


def test_herbalife_needs_some_sales() -> None:
    assert not fires("US-HERBALIFE-80", consumer_sales_share=0.0)


@pytest.mark.parametrize(
    ("share", "expected"), [(0.49, True), (0.50, True), (0.51, False), (1.0, False)]
)
def test_vemma_majority_from_non_participants(share: float, expected: bool) -> None:
    # the order allows pay only when non-participants bring MORE than half: 50% is not enough
    override = {"team_commission_amount": 30.0, "downline_consumer_sales_share": share}
    assert fires("US-VEMMA", **override) is expected


def test_vemma_needs_downline_pay() -> None:
    assert not fires("US-VEMMA", downline_consumer_sales_share=0.1)


@pytest.mark.parametrize(
    ("share", "fees", "expected"),
    [(0.51, 1.0, True), (0.50, 1.0, False), (0.90, 0.0, False), (0.90, 0.01, True)],
)
def test_eu_ucpd_point_14(share: float, fees: float, expected: bool) -> None:
    override = {"recruitment_commission_share": share, "network_entry_fees": fees}
    assert fires("EU-UCPD-ANNEX1-14", **override) is expected


def test_eu_evidence_and_citation() -> None:
    item = indicator(
        "EU-UCPD-ANNEX1-14",
        recruitment_commission_share=0.75,
        recruitment_commission_amount=300.0,
        network_entry_fees=5000.0,
    )
    assert item["jurisdiction"] == "EU"
    assert item["evidence"]["recruitment_commission_share"] == 0.75
    assert item["evidence"]["network_entry_fees"] == 5000.0
    assert "Annex I point 14" in item["citation"] and "C-515/12" in item["citation"]
    assert "75% of its compensation derives from bringing in others" in item["text"]


def test_us_thresholds_are_parameters() -> None:
    lenient = IndicatorParams(us_herbalife_min_end_user_share=0.5, us_amway_min_customers=5)
    herbalife = {"consumer_sales_amount": 60.0, "downline_sales_amount": 40.0}
    assert not fires("US-HERBALIFE-80", lenient, consumer_sales_share=0.6, **herbalife)
    assert fires("US-HERBALIFE-80", consumer_sales_share=0.6, **herbalife)
    assert not fires("US-AMWAY-10", lenient, unique_consumers=6, team_commission_amount=1.0)


def test_us_chinese_texts() -> None:
    item = indicator(
        "US-VEMMA", "zh", team_commission_amount=30.0, downline_consumer_sales_share=0.3
    )
    assert item["text"].startswith("符合 Vemma 案和解令（2016）的指标特征")
    assert "来自非参与者的仅占 30%（要求超过 50%）" in item["text"]

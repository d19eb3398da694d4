"""China rule pack: both sides of every boundary, evidence values and wording."""

from __future__ import annotations

from typing import Any

import pytest

from risk.indicators import IndicatorParams, fired_matrix
from tests.risk.test_indicators_support import fires, indicator, rows

# a scheme's network at the criminal threshold: 30 participants, tiers 0..2, entry fees charged
THRESHOLD_NETWORK: dict[str, Any] = {
    "network_size": 30,
    "network_depth": 2,
    "network_entry_fees": 300.0,
    "recruitment_commission_amount": 50.0,  # the network's plan pays on recruiting
}
# an account whose own organization (itself + downline) is 30 people in 3 tiers, paid to recruit
THRESHOLD_ORGANIZER: dict[str, Any] = {
    "downline_size": 29,
    "downline_depth": 2,
    "recruitment_commission_amount": 500.0,
    "recruitment_commission_share": 0.8,
    "direct_recruits": 6,
    "downline_entry_fees": 290.0,
}


@pytest.mark.parametrize(("amount", "expected"), [(0.0, False), (0.01, True)])
def test_recruitment_rewards_any_amount(amount: float, expected: bool) -> None:
    assert fires("CN-7-1-RECRUITMENT", recruitment_commission_amount=amount) is expected


def test_recruitment_evidence_and_wording() -> None:
    item = indicator("CN-7-1-RECRUITMENT", **THRESHOLD_ORGANIZER)
    assert item["evidence"] == {
        "recruitment_commission_amount": 500.0,
        "recruitment_commission_share": 0.8,
        "direct_recruits": 6,
        "downline_size": 29,
    }
    assert item["citation"] == "《禁止传销条例》（国务院令第444号，2005年）第七条第（一）项"
    assert (
        "500.00 in recruitment rewards (80% of its commissions); recruited directly: 6;"
        in (item["text"])
    )


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({}, False),
        ({"entry_fee": 0.01}, True),
        ({"downline_entry_fees": 0.01}, True),
        # an opening stock order alone is not a mandatory one (the contract puts those in entry_fee)
        ({"first_stock_purchase_amount": 800.0}, False),
    ],
)
def test_entry_fee_paid_or_collected(override: dict[str, Any], expected: bool) -> None:
    assert fires("CN-7-2-ENTRY-FEE", **override) is expected


def test_first_stock_order_counts_as_entry_fee_when_asked() -> None:
    opted_in = IndicatorParams(cn_first_order_as_entry_fee=True)
    assert fires("CN-7-2-ENTRY-FEE", opted_in, first_stock_purchase_amount=800.0)
    assert not fires("CN-7-2-ENTRY-FEE", opted_in, first_stock_purchase_amount=0.0)


@pytest.mark.parametrize(("amount", "expected"), [(0.0, False), (0.01, True)])
def test_team_pay_is_flagged_as_administrative_form(amount: float, expected: bool) -> None:
    assert fires("CN-7-3-TEAM-PAY", team_commission_amount=amount) is expected


def test_team_pay_text_distinguishes_sales_pay_from_recruitment_pay() -> None:
    item = indicator("CN-7-3-TEAM-PAY", team_commission_amount=40.0)
    assert "administrative form" in item["text"]
    assert "第五条" in item["citation"]
    assert "行政监管范畴" in indicator("CN-7-3-TEAM-PAY", "zh", team_commission_amount=40.0)["text"]


@pytest.mark.parametrize(
    ("size", "depth", "expected"),
    [(30, 2, True), (29, 2, False), (30, 1, False), (29, 1, False), (31, 5, True)],
)
def test_criminal_network_threshold_counts_organizer_and_its_tier(
    size: int, depth: int, expected: bool
) -> None:
    override = {**THRESHOLD_NETWORK, "network_size": size, "network_depth": depth}
    assert fires("CN-CRIM-78-NETWORK", **override) is expected


def test_criminal_network_evidence_reports_tiers_not_depth() -> None:
    item = indicator("CN-CRIM-78-NETWORK", **THRESHOLD_NETWORK)
    assert item["evidence"]["network_size"] == 30
    assert item["evidence"]["network_tiers"] == 3
    assert isinstance(item["evidence"]["network_tiers"], int)
    assert "30 participants in 3 tiers" in item["text"]
    assert "第七十八条" in item["citation"] and "公通字〔2013〕37号" in item["citation"]


@pytest.mark.parametrize(
    "override",
    [
        {
            "network_entry_fees": 0.0,
            "recruitment_commission_amount": 0.0,
            "team_commission_amount": 9.0,
        },
        {"network_entry_fees": 0.0},  # pays on recruiting, but joining is free
        {"recruitment_commission_amount": 0.0},  # charges to join, but pays nothing on recruiting
    ],
)
def test_criminal_threshold_needs_entry_fee_and_recruitment_pay(override: dict[str, Any]) -> None:
    # Art. 78 is conjunctive; team pay on real sales alone is the administrative form
    assert not fires("CN-CRIM-78-NETWORK", **{**THRESHOLD_NETWORK, **override})
    relaxed = IndicatorParams(cn_criminal_requires_recruitment_form=False)
    assert fires("CN-CRIM-78-NETWORK", relaxed, **{**THRESHOLD_NETWORK, **override})


def test_network_recruitment_pay_seen_from_another_account_of_the_network() -> None:
    structure = {
        "network_id": "n1",
        "network_size": 30,
        "network_depth": 2,
        "network_entry_fees": 9.0,
    }
    features = rows(
        {**structure, "recruitment_commission_amount": 50.0},  # a recruiter, paid for it
        {**structure, "tier": 2},  # a bottom participant, paid nothing
        {**structure, "network_id": "other"},  # fees, but no recruitment pay in that network
    )
    fired = fired_matrix(features)["CN-CRIM-78-NETWORK"]
    assert fired.tolist() == [True, True, False]


@pytest.mark.parametrize(
    ("downline", "depth", "expected"),
    [(29, 2, True), (28, 2, False), (29, 1, False), (200, 8, True)],
)
def test_criminal_organizer_threshold(downline: int, depth: int, expected: bool) -> None:
    override = {**THRESHOLD_ORGANIZER, "downline_size": downline, "downline_depth": depth}
    assert fires("CN-CRIM-78-ORGANIZER", **override) is expected


def test_criminal_organizer_evidence_counts_itself() -> None:
    item = indicator("CN-CRIM-78-ORGANIZER", **THRESHOLD_ORGANIZER)
    assert item["evidence"]["organization_participants"] == 30
    assert item["evidence"]["organization_tiers"] == 3
    assert "30 participants in 3 tiers" in item["text"]
    for missing in ("recruitment_commission_amount", "downline_entry_fees"):
        assert not fires("CN-CRIM-78-ORGANIZER", **{**THRESHOLD_ORGANIZER, missing: 0.0})


@pytest.mark.parametrize(
    ("size", "collected", "expected"),
    [
        (120, 300.0, True),
        (119, 300.0, False),
        (119, 2_500_000.0, True),
        (119, 2_499_999.99, False),
    ],
)
def test_serious_circumstances(size: int, collected: float, expected: bool) -> None:
    override = {**THRESHOLD_NETWORK, "network_size": size, "network_entry_fees": collected}
    assert fires("CN-CRIM-SERIOUS", **override) is expected


def test_serious_circumstances_need_the_base_threshold() -> None:
    flat = {**THRESHOLD_NETWORK, "network_size": 500, "network_depth": 1}  # 2 tiers only
    assert not fires("CN-CRIM-SERIOUS", **flat)


@pytest.mark.parametrize(
    ("pay", "sales", "expected"),
    [(300.0, 1000.0, False), (300.01, 1000.0, True), (0.0, 0.0, False), (1.0, 0.0, True)],
)
def test_direct_selling_pay_cap_exactly_30_percent_allowed(
    pay: float, sales: float, expected: bool
) -> None:
    override = {"total_commission_amount": pay, "consumer_sales_amount": sales}
    assert fires("CN-DS-24-PAY-CAP", **override) is expected


def test_direct_selling_pay_with_no_consumer_sales_reads_as_amounts_not_a_ratio() -> None:
    # The stored ratio is capped at 100 when there are no consumer sales: "10000.0%" said
    # nothing true. The sentence gives the two amounts and the cap.
    item = indicator(
        "CN-DS-24-PAY-CAP",
        total_commission_amount=10.0,
        consumer_sales_amount=0.0,
        pay_to_consumer_sales_ratio=100.0,
    )
    assert "total pay 10.00 against own consumer sales of 0.00 (cap: 30%" in item["text"]
    assert "%" not in item["text"].replace("30%", "")


def test_thresholds_are_parameters() -> None:
    strict = IndicatorParams(cn_criminal_participants=50, cn_criminal_tiers=4)
    assert not fires("CN-CRIM-78-NETWORK", strict, **THRESHOLD_NETWORK)
    assert fires(
        "CN-CRIM-78-NETWORK",
        strict,
        **{**THRESHOLD_NETWORK, "network_size": 50, "network_depth": 3},
    )
    item_text = indicator("CN-CRIM-78-NETWORK", "zh", **THRESHOLD_NETWORK)["text"]
    assert "标准为 30 人以上且 3 级以上" in item_text


def test_chinese_texts() -> None:
    item = indicator("CN-7-1-RECRUITMENT", "zh", **THRESHOLD_ORGANIZER)
    assert item["text"].startswith("符合《禁止传销条例》第七条第（一）项“拉人头”的指标特征")
    assert "直接发展 6 人，下线共 29 人" in item["text"]
    network = indicator("CN-CRIM-78-NETWORK", "zh", **THRESHOLD_NETWORK)["text"]
    assert "参与人员 30 人、层级 3 级（含组织者本人及其本层级" in network

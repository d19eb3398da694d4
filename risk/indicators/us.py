"""United States: the FTC's Koscot test, the Amway safeguards, the Herbalife and Vemma orders."""

from __future__ import annotations

import pandas as pd

from risk.indicators.params import IndicatorParams
from risk.indicators.rule import Rule, num

KOSCOT = "In re Koscot Interplanetary, Inc., 86 F.T.C. 1106 (1975)"
AMWAY = "In re Amway Corp., 93 F.T.C. 618 (1979)"
HERBALIFE = (
    "FTC v. Herbalife International of America, Inc., No. 2:16-cv-05217 (C.D. Cal. 2016) "
    "(stipulated order)"
)
VEMMA = "FTC v. Vemma Nutrition Co., No. 2:15-cv-01578 (D. Ariz. 2015; stipulated order 2016)"


def _koscot(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    # prong 1: money paid for the right to sell; prong 2: rewards for recruiting
    paid_to_sell = (
        (num(features, "entry_fee") > 0)
        | (num(features, "downline_entry_fees") > 0)
        | (num(features, "first_stock_purchase_amount") > 0)
    )
    return paid_to_sell & (
        num(features, "recruitment_commission_amount") > p.us_koscot_recruitment_pay_min
    )


def _amway_70(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    restocked = num(features, "stock_purchase_count") >= p.us_amway_min_reorders
    return restocked & (num(features, "sell_through_ratio") < p.us_amway_min_sell_through)


def _amway_10(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    downline_paid = num(features, "downline_based_pay") > 0
    return downline_paid & (num(features, "unique_consumers") < p.us_amway_min_customers)


def _herbalife_80(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    sells = (num(features, "consumer_sales_amount") + num(features, "downline_sales_amount")) > 0
    share = num(features, "consumer_sales_share")
    return sells & (share < p.us_herbalife_min_end_user_share)


def _vemma(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    # the order allows pay only when non-participants are a majority: exactly half is not one
    downline_paid = num(features, "downline_based_pay") > 0
    share = num(features, "downline_consumer_sales_share")
    return downline_paid & (share <= p.us_vemma_min_non_participant_share)


US_RULES: tuple[Rule, ...] = (
    Rule(
        rule_id="US-KOSCOT",
        jurisdiction="US",
        citation=KOSCOT,
        title_en="Koscot: paid to join, rewarded for recruiting",
        title_zh="Koscot 标准：付费取得资格并因招募获得奖励",
        text_en=(
            "Meets the indicator of the Koscot test (FTC 1975): rewards for recruiting "
            "unrelated to sales to ultimate users ({recruitment_commission_amount:,.2f}, "
            "{recruitment_commission_share:.0%} of its commissions) together with payment for "
            "the right to sell (entry fee {entry_fee:,.2f}, downline entry fees "
            "{downline_entry_fees:,.2f}, first stock order {first_stock_purchase_amount:,.2f})."
        ),
        text_zh=(
            "符合美国联邦贸易委员会 Koscot 标准（1975）的指标特征：获得与向最终用户销售无关的"
            "招募奖励 {recruitment_commission_amount:,.2f}（占其佣金的 "
            "{recruitment_commission_share:.0%}），并存在为取得销售资格而付费的情形（入门费 "
            "{entry_fee:,.2f}，下线入门费 {downline_entry_fees:,.2f}，首次进货 "
            "{first_stock_purchase_amount:,.2f}）。"
        ),
        predicate=_koscot,
        evidence_columns=(
            "recruitment_commission_amount",
            "recruitment_commission_share",
            "entry_fee",
            "downline_entry_fees",
            "first_stock_purchase_amount",
        ),
        weight=1.0,
    ),
    Rule(
        rule_id="US-AMWAY-70",
        jurisdiction="US",
        citation=f"{AMWAY} (70% rule)",
        title_en="Amway 70% rule: restocking while most earlier stock is unsold",
        title_zh="Amway 70% 规则：前批货未售出七成即再进货",
        text_en=(
            "Meets the indicator of the Amway 70% rule (FTC 1979): {stock_purchase_count:,.0f} "
            "stock orders totalling {stock_purchases_amount:,.2f} with only "
            "{sell_through_ratio:.0%} sold through (safeguard: {us_amway_min_sell_through:.0%} "
            "before reordering)."
        ),
        text_zh=(
            "符合 Amway 案（1979）70% 规则的指标特征：进货 {stock_purchase_count:,.0f} 次，"
            "合计 {stock_purchases_amount:,.2f}，售出率仅 {sell_through_ratio:.0%}（规则要求售出 "
            "{us_amway_min_sell_through:.0%} 后方可再进货）。"
        ),
        predicate=_amway_70,
        evidence_columns=("stock_purchase_count", "stock_purchases_amount", "sell_through_ratio"),
        weight=0.5,
    ),
    Rule(
        rule_id="US-AMWAY-10",
        jurisdiction="US",
        citation=f"{AMWAY} (10-customer rule)",
        title_en="Amway 10-customer rule: downline pay with fewer than 10 retail customers",
        title_zh="Amway 十名顾客规则：零售顾客不足十人却获得下线奖励",
        text_en=(
            "Meets the indicator of the Amway 10-customer rule (FTC 1979): "
            "{downline_based_pay:,.2f} paid on its downline while it sold to "
            "{unique_consumers:,.0f} distinct retail customers (safeguard: "
            "{us_amway_min_customers} or more)."
        ),
        text_zh=(
            "符合 Amway 案（1979）十名顾客规则的指标特征：获得基于下线的奖励 "
            "{downline_based_pay:,.2f}，而其零售顾客仅 {unique_consumers:,.0f} 人（规则要求 "
            "{us_amway_min_customers} 人以上）。"
        ),
        predicate=_amway_10,
        evidence_columns=("downline_based_pay", "unique_consumers"),
        weight=0.3,
    ),
    Rule(
        rule_id="US-HERBALIFE-80",
        jurisdiction="US",
        citation=HERBALIFE,
        title_en="Herbalife order: under 80% of sales to end users",
        title_zh="Herbalife 和解令：面向最终用户的销售不足八成",
        text_en=(
            "Meets the indicator of the Herbalife order (2016): {consumer_sales_share:.0%} of "
            "its sales go to end users ({consumer_sales_amount:,.2f} to consumers, "
            "{downline_sales_amount:,.2f} to its downline; order: at least "
            "{us_herbalife_min_end_user_share:.0%})."
        ),
        text_zh=(
            "符合 Herbalife 案和解令（2016）的指标特征：其销售中面向最终用户的仅占 "
            "{consumer_sales_share:.0%}（面向消费者 {consumer_sales_amount:,.2f}，面向下线 "
            "{downline_sales_amount:,.2f}；要求至少 {us_herbalife_min_end_user_share:.0%}）。"
        ),
        predicate=_herbalife_80,
        evidence_columns=("consumer_sales_share", "consumer_sales_amount", "downline_sales_amount"),
        weight=0.5,
    ),
    Rule(
        rule_id="US-VEMMA",
        jurisdiction="US",
        citation=VEMMA,
        title_en="Vemma order: most downline revenue from participants",
        title_zh="Vemma 和解令：下线营业额主要来自参与者",
        text_en=(
            "Meets the indicator of the Vemma order (2016): {downline_based_pay:,.2f} paid on "
            "its downline while only {downline_consumer_sales_share:.0%} of the revenue of it "
            "and its downline comes from non-participants (order: more than "
            "{us_vemma_min_non_participant_share:.0%})."
        ),
        text_zh=(
            "符合 Vemma 案和解令（2016）的指标特征：获得基于下线的奖励 "
            "{downline_based_pay:,.2f}，而其本人及下线营业额中来自非参与者的仅占 "
            "{downline_consumer_sales_share:.0%}（要求超过 "
            "{us_vemma_min_non_participant_share:.0%}）。"
        ),
        predicate=_vemma,
        evidence_columns=("downline_based_pay", "downline_consumer_sales_share"),
        weight=0.6,
    ),
)

"""China: 《禁止传销条例》 Art. 7, the criminal case-filing thresholds, 《直销管理条例》 Art. 24."""

from __future__ import annotations

import pandas as pd

from risk.indicators.params import IndicatorParams
from risk.indicators.rule import Rule, num

ANTI_PYRAMID_ART7 = "《禁止传销条例》（国务院令第444号，2005年）第七条"
CASE_FILING_ART78 = (
    "《最高人民检察院 公安部关于公安机关管辖的刑事案件立案追诉标准的规定（二）》"
    "（公通字〔2010〕23号）第七十八条"
)
OPINION_2013 = (
    "《最高人民法院 最高人民检察院 公安部关于办理组织领导传销活动刑事案件适用法律若干问题的意见》"
    "（公通字〔2013〕37号）"
)


def _recruitment(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    return num(features, "recruitment_commission_amount") > p.cn_recruitment_pay_min


def _entry_fee(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    # the contract's entry_fee already includes a mandatory starter pack (入门费)
    paid = num(features, "entry_fee") > p.cn_entry_fee_min
    collected = num(features, "downline_entry_fees") > p.cn_entry_fee_min
    if p.cn_first_order_as_entry_fee:
        paid |= num(features, "first_stock_purchase_amount") > p.cn_entry_fee_min
    return paid | collected


def _team_pay(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    return num(features, "team_commission_amount") > p.cn_team_pay_min


def _recruitment_form(features: pd.DataFrame, p: IndicatorParams, fees: str) -> pd.Series:
    """The statutory form: joining costs a fee and the plan pays on the number recruited.

    Art. 78 needs both (缴纳费用……获得加入资格 and 以发展人员的数量作为计酬); team pay on
    real sales alone is not the criminal form (2013 opinion, part 5).
    """
    if not p.cn_criminal_requires_recruitment_form:
        return pd.Series(True, index=features.index)
    charged = num(features, fees) > p.cn_entry_fee_min
    recruiting = num(features, "network_recruitment_commission_amount") > p.cn_recruitment_pay_min
    return charged & recruiting


def _criminal_network(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    size = num(features, "network_size") >= p.cn_criminal_participants
    tiers = num(features, "network_tiers") >= p.cn_criminal_tiers
    return size & tiers & _recruitment_form(features, p, "network_entry_fees")


def _criminal_organizer(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    size = num(features, "organization_participants") >= p.cn_criminal_participants
    tiers = num(features, "organization_tiers") >= p.cn_criminal_tiers
    return size & tiers & _recruitment_form(features, p, "downline_entry_fees")


def _serious(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    many = num(features, "network_size") >= p.cn_serious_participants
    collected = num(features, "network_entry_fees") >= p.cn_serious_amount_collected
    return _criminal_network(features, p) & (many | collected)


def _direct_selling_pay_cap(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    # "may not exceed 30%": exactly 30% is allowed; compared on amounts so no sales -> any pay
    pay = num(features, "total_commission_amount")
    cap = p.cn_direct_selling_max_pay_ratio * num(features, "consumer_sales_amount")
    return (pay > 0) & (pay > cap)


CN_RULES: tuple[Rule, ...] = (
    Rule(
        rule_id="CN-7-1-RECRUITMENT",
        jurisdiction="CN",
        citation=f"{ANTI_PYRAMID_ART7}第（一）项",
        title_en="Rewards tied to recruiting (拉人头)",
        title_zh="拉人头",
        text_en=(
            "Meets the indicator of rewards computed on recruiting (拉人头, Regulations on "
            "Prohibition of Pyramid Selling Art. 7(1)): {recruitment_commission_amount:,.2f} in "
            "recruitment rewards ({recruitment_commission_share:.0%} of its commissions); "
            "recruited directly: {direct_recruits:,.0f}; accounts in its downline: "
            "{downline_size:,.0f}."
        ),
        text_zh=(
            "符合《禁止传销条例》第七条第（一）项“拉人头”的指标特征：按发展人员计酬的招募奖励 "
            "{recruitment_commission_amount:,.2f}"
            "（占其佣金的 {recruitment_commission_share:.0%}），"
            "直接发展 {direct_recruits:,.0f} 人，下线共 {downline_size:,.0f} 人。"
        ),
        predicate=_recruitment,
        evidence_columns=(
            "recruitment_commission_amount",
            "recruitment_commission_share",
            "direct_recruits",
            "downline_size",
        ),
        weight=0.8,
    ),
    Rule(
        rule_id="CN-7-2-ENTRY-FEE",
        jurisdiction="CN",
        citation=f"{ANTI_PYRAMID_ART7}第（二）项",
        title_en="Entry fee or mandatory first stock order (收取入门费)",
        title_zh="收取入门费",
        text_en=(
            "Meets the indicator of an entry fee or mandatory first stock order (收取入门费, "
            "Regulations on Prohibition of Pyramid Selling Art. 7(2)): it paid {entry_fee:,.2f} "
            "to join and its downline paid {downline_entry_fees:,.2f} in entry fees; its first "
            "stock order was {first_stock_purchase_amount:,.2f}."
        ),
        text_zh=(
            "符合《禁止传销条例》第七条第（二）项“收取入门费”的指标特征：其加入时缴纳 "
            "{entry_fee:,.2f}，其下线共缴纳入门费 {downline_entry_fees:,.2f}；"
            "其首次进货金额为 {first_stock_purchase_amount:,.2f}。"
        ),
        predicate=_entry_fee,
        evidence_columns=("entry_fee", "downline_entry_fees", "first_stock_purchase_amount"),
        weight=0.6,
    ),
    Rule(
        rule_id="CN-7-3-TEAM-PAY",
        jurisdiction="CN",
        citation=f"{ANTI_PYRAMID_ART7}第（三）项；{OPINION_2013}第五条",
        title_en="Uplines paid on the downline's purchases or sales (团队计酬)",
        title_zh="团队计酬",
        text_en=(
            "Meets the indicator of team-based pay (团队计酬, Regulations on Prohibition of "
            "Pyramid Selling Art. 7(3)): {team_commission_amount:,.2f} paid on its downline's "
            "purchases or sales; {income_from_downline_share:.0%} of its income comes from its "
            "downline, whose revenue is {downline_consumer_sales_share:.0%} consumer sales. "
            "Team pay on real sales alone is the administrative form (2013 opinion, part 5), "
            "distinct from pay for recruiting or entry fees."
        ),
        text_zh=(
            "符合《禁止传销条例》第七条第（三）项“团队计酬”的指标特征：按其下线进货或销售业绩"
            "计酬 {team_commission_amount:,.2f}；其收入的 {income_from_downline_share:.0%} "
            "来自下线，下线营业额中面向消费者的销售占 {downline_consumer_sales_share:.0%}。"
            "仅以真实销售业绩为计酬依据的单纯“团队计酬”属行政监管范畴（2013年意见第五条），"
            "有别于按发展人员计酬或收取入门费。"
        ),
        predicate=_team_pay,
        evidence_columns=(
            "team_commission_amount",
            "income_from_downline_share",
            "downline_consumer_sales_share",
        ),
        weight=0.4,
    ),
    Rule(
        rule_id="CN-CRIM-78-NETWORK",
        jurisdiction="CN",
        citation=f"{CASE_FILING_ART78}；{OPINION_2013}第一条",
        title_en="Criminal case-filing threshold: 30+ participants in 3+ tiers (network)",
        title_zh="立案追诉标准：三十人以上且三级以上（所在网络）",
        text_en=(
            "Its network meets the indicator of the criminal case-filing threshold for "
            "organizing pyramid selling: {network_size:,.0f} participants in "
            "{network_tiers:,.0f} tiers, "
            "counting the organizer and its tier (threshold: {cn_criminal_participants} or more "
            "in {cn_criminal_tiers} or more), with entry fees of {network_entry_fees:,.2f} and "
            "recruitment rewards of {network_recruitment_commission_amount:,.2f} in the network."
        ),
        text_zh=(
            "其所在网络符合组织、领导传销活动立案追诉标准的指标特征："
            "参与人员 {network_size:,.0f} 人、层级 {network_tiers:,.0f} 级"
            "（含组织者本人及其本层级；标准为 {cn_criminal_participants} "
            "人以上且 {cn_criminal_tiers} 级以上），网络内入门费 {network_entry_fees:,.2f}，"
            "招募奖励 {network_recruitment_commission_amount:,.2f}。"
        ),
        predicate=_criminal_network,
        evidence_columns=(
            "network_size",
            "network_tiers",
            "network_entry_fees",
            "network_recruitment_commission_amount",
        ),
        weight=1.0,
    ),
    Rule(
        rule_id="CN-CRIM-78-ORGANIZER",
        jurisdiction="CN",
        citation=f"{CASE_FILING_ART78}；{OPINION_2013}第一条",
        title_en="Criminal case-filing threshold: 30+ participants in 3+ tiers (as organizer)",
        title_zh="立案追诉标准：三十人以上且三级以上（以其为组织者）",
        text_en=(
            "As a possible organizer or leader it meets the indicator of the criminal "
            "case-filing threshold: itself and its downline are {organization_participants:,.0f} "
            "participants in {organization_tiers:,.0f} tiers, counting its own tier (threshold: "
            "{cn_criminal_participants} or more in {cn_criminal_tiers} or more); its downline "
            "paid {downline_entry_fees:,.2f} in entry fees and its network paid "
            "{network_recruitment_commission_amount:,.2f} in recruitment rewards."
        ),
        text_zh=(
            "以其为组织者、领导者计算，符合组织、领导传销活动立案追诉标准的指标特征：其本人及下线"
            "共 {organization_participants:,.0f} 人、{organization_tiers:,.0f} 级"
            "（含本人及其本层级；标准为 "
            "{cn_criminal_participants} 人以上且 {cn_criminal_tiers} 级以上），下线缴纳入门费 "
            "{downline_entry_fees:,.2f}，所在网络支付招募奖励 "
            "{network_recruitment_commission_amount:,.2f}。"
        ),
        predicate=_criminal_organizer,
        evidence_columns=(
            "organization_participants",
            "organization_tiers",
            "downline_entry_fees",
            "network_recruitment_commission_amount",
        ),
        weight=1.0,
    ),
    Rule(
        rule_id="CN-CRIM-SERIOUS",
        jurisdiction="CN",
        citation=f"{OPINION_2013}第四条",
        title_en="Serious circumstances: 120+ participants or RMB 2.5M+ collected (情节严重)",
        title_zh="情节严重：一百二十人以上或收取资金二百五十万元以上",
        text_en=(
            "Its network meets the indicator of serious circumstances (情节严重): "
            "{network_size:,.0f} participants in {network_tiers:,.0f} tiers (threshold: "
            "{cn_serious_participants} or more) and {network_entry_fees:,.2f} collected in entry "
            "fees (threshold: {cn_serious_amount_collected:,.0f} or more)."
        ),
        text_zh=(
            "其所在网络符合“情节严重”的指标特征：参与人员 {network_size:,.0f} 人、层级 "
            "{network_tiers:,.0f} 级（标准为 {cn_serious_participants} 人以上），收取入门费 "
            "{network_entry_fees:,.2f}（标准为 {cn_serious_amount_collected:,.0f} 以上）。"
        ),
        predicate=_serious,
        evidence_columns=(
            "network_size",
            "network_tiers",
            "network_entry_fees",
            "network_recruitment_commission_amount",
        ),
        weight=1.0,
    ),
    Rule(
        rule_id="CN-DS-24-PAY-CAP",
        jurisdiction="CN",
        citation="《直销管理条例》（国务院令第443号，2005年）第二十四条",
        title_en="Pay over 30% of own consumer sales (直销管理条例 Art. 24)",
        title_zh="报酬超过本人直接向消费者销售收入的30%",
        text_en=(
            "Meets the indicator of pay above the direct-selling cap (Regulations on Direct "
            "Selling Art. 24): total pay {total_commission_amount:,.2f} against own consumer "
            "sales of {consumer_sales_amount:,.2f} (cap: {cn_direct_selling_max_pay_ratio:.0%} "
            "of own consumer sales)."
        ),
        text_zh=(
            "符合《直销管理条例》第二十四条报酬上限的指标特征：报酬总额 "
            "{total_commission_amount:,.2f}，"
            "本人直接向消费者销售收入 {consumer_sales_amount:,.2f}"
            "（上限为本人直接向消费者销售收入的 {cn_direct_selling_max_pay_ratio:.0%}）。"
        ),
        predicate=_direct_selling_pay_cap,
        evidence_columns=(
            "total_commission_amount",
            "consumer_sales_amount",
            "pay_to_consumer_sales_ratio",
        ),
        weight=0.3,
    ),
)

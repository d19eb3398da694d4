"""European Union: Unfair Commercial Practices Directive, Annex I point 14."""

from __future__ import annotations

import pandas as pd

from risk.indicators.params import IndicatorParams
from risk.indicators.rule import Rule, num

UCPD_14 = (
    "Directive 2005/29/EC (Unfair Commercial Practices Directive), Annex I point 14; "
    "CJEU Case C-515/12 4finance, judgment of 3 April 2014"
)


def _pyramid_promotional_scheme(features: pd.DataFrame, p: IndicatorParams) -> pd.Series:
    # 4finance: any consideration counts, however small, if it funds the compensation
    consideration = (
        (num(features, "entry_fee") > p.eu_consideration_min)
        | (num(features, "downline_entry_fees") > p.eu_consideration_min)
        | (num(features, "network_entry_fees") > p.eu_consideration_min)
    )
    primarily = num(features, "recruitment_commission_share") > p.eu_min_recruitment_share
    return consideration & primarily


EU_RULES: tuple[Rule, ...] = (
    Rule(
        rule_id="EU-UCPD-ANNEX1-14",
        jurisdiction="EU",
        citation=UCPD_14,
        title_en="Pyramid promotional scheme (UCPD Annex I point 14)",
        title_zh="金字塔式推广计划（欧盟不公平商业行为指令附件一第14点）",
        text_en=(
            "Meets the indicator of a pyramid promotional scheme (UCPD Annex I point 14): "
            "{recruitment_commission_share:.0%} of its compensation derives from bringing in "
            "others (threshold: more than {eu_min_recruitment_share:.0%}), in a network where "
            "consideration is paid to join ({network_entry_fees:,.2f} in entry fees; its own "
            "{entry_fee:,.2f})."
        ),
        text_zh=(
            "符合欧盟《不公平商业行为指令》附件一第14点“金字塔式推广计划”的指标特征：其报酬的 "
            "{recruitment_commission_share:.0%} 来自发展他人加入（标准为超过 "
            "{eu_min_recruitment_share:.0%}），且所在网络要求支付对价方可加入（入门费合计 "
            "{network_entry_fees:,.2f}，其本人 {entry_fee:,.2f}）。"
        ),
        predicate=_pyramid_promotional_scheme,
        evidence_columns=(
            "recruitment_commission_share",
            "recruitment_commission_amount",
            "entry_fee",
            "downline_entry_fees",
            "network_entry_fees",
        ),
        weight=1.0,
    ),
)

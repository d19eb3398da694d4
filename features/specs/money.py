"""Specs of money flow: entry fees, commissions and where its income comes from."""

from __future__ import annotations

from features.specs.base import FeatureSpec, feature, reason


def _commission(kind: str, english: str, chinese: str) -> FeatureSpec:
    return feature(
        f"{kind}_commission_amount",
        "money",
        "money",
        "neutral" if kind == "retail" else "higher",
        (f"{english}.", f"{chinese}。"),
        reason(f"It received {{value}} in {kind} commissions", f"其获得{chinese}{{value}}"),
    )


MONEY: tuple[FeatureSpec, ...] = (
    feature(
        "entry_fee",
        "money",
        "money",
        "higher",
        (
            "What it paid to join: membership fee or mandatory starter pack (入门费).",
            "其加入时缴纳的会员费或强制购买的入门套餐（入门费）。",
        ),
        reason("It paid {value} to join", "其加入时缴纳入门费{value}"),
    ),
    feature(
        "downline_entry_fees",
        "money",
        "money",
        "higher",
        ("Entry fees paid by all accounts in its downline.", "其全部下线缴纳的入门费合计。"),
        reason("Its downline paid {value} in entry fees", "其下线共缴纳入门费{value}"),
    ),
    feature(
        "total_commission_amount",
        "money",
        "money",
        "higher",
        ("All commissions it received, every kind.", "其获得的全部佣金（各类合计）。"),
        reason("It received {value} in commissions", "其共获得佣金{value}"),
    ),
    _commission("recruitment", "Bonuses received for bringing in new accounts", "拉人头奖励"),
    _commission("team", "Overrides received on its downline's purchases or sales", "团队计酬提成"),
    _commission("retail", "Commission received on its own consumer sales", "本人零售提成"),
    feature(
        "recruitment_commission_share",
        "money",
        "share",
        "higher",
        (
            "Recruitment bonuses / all commissions; 0 without commissions.",
            "拉人头奖励占其全部佣金的比例；无佣金时为0。",
        ),
        reason(
            "{value} of its commissions are paid for recruiting", "其佣金的{value}来自拉人头奖励"
        ),
    ),
    feature(
        "team_commission_share",
        "money",
        "share",
        "higher",
        (
            "Team overrides / all commissions; 0 without commissions.",
            "团队计酬提成占其全部佣金的比例；无佣金时为0。",
        ),
        reason(
            "{value} of its commissions are overrides on its downline",
            "其佣金的{value}来自下线的团队计酬",
        ),
    ),
    feature(
        "income_from_downline_share",
        "money",
        "share",
        "higher",
        (
            "(Sales to its downline + recruitment and team commissions) / (all sales + all "
            "commissions); 0 without income.",
            "来自下线的收入（向下线压货 + 拉人头奖励 + 团队提成）占其全部收入（销售额 + 佣金）的"
            "比例；无收入时为0。",
        ),
        reason(
            "{value} of its income comes from its downline rather than consumers",
            "其收入的{value}来自下线而非终端消费者",
        ),
    ),
    feature(
        "pay_to_consumer_sales_ratio",
        "money",
        "ratio",
        "higher",
        (
            "All commissions / its own consumer sales (直销管理条例 Art. 24 caps it at 0.30); "
            "0 without commissions; capped at 100, so commissions with no consumer sales give 100.",
            "佣金总额与本人零售额之比（《直销管理条例》第24条上限为30%）；无佣金为0；"
            "上限为100，有佣金而无零售时取100。",
        ),
        reason(
            "Its commissions are {value} times its own consumer sales",
            "其所获佣金为本人零售额的{value}倍",
        ),
    ),
    feature(
        "net_gain_amount",
        "money",
        "money",
        "neutral",
        (
            "Sales + commissions - stock bought - entry fee, up to as_of.",
            "截至评估时点的净收益：销售额 + 佣金 − 进货额 − 入门费。",
        ),
        reason("Its net gain is {value}", "其净收益为{value}"),
    ),
)

SPECS: tuple[FeatureSpec, ...] = MONEY

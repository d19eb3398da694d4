"""Specs of money flow, downline churn and the whole network's aggregates."""

from __future__ import annotations

from features.specs_account import reason
from features.specs_base import FeatureSpec, feature


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

CHURN: tuple[FeatureSpec, ...] = (
    feature(
        "downline_churn_share",
        "churn",
        "share",
        "higher",
        (
            "Share of its downline that had left by as_of; 0 without downline.",
            "截至评估时点已退出的下线占其下线的比例；无下线时为0。",
        ),
        reason("{value} of its downline has left", "其下线中已有{value}退出"),
    ),
    feature(
        "downline_left_with_stock_share",
        "churn",
        "share",
        "higher",
        (
            "Of its departed downline, the share who left having bought more units than they sold; "
            "0 when none left.",
            "已退出的下线中，进货件数多于售出件数（带着积压库存离开）者的比例；无人退出时为0。",
        ),
        reason(
            "{value} of its departed downline left holding unsold stock",
            "其已退出下线中有{value}手中积压着未售出的货",
        ),
    ),
)

NETWORK: tuple[FeatureSpec, ...] = (
    feature(
        "network_consumer_sales_share",
        "network",
        "share",
        "lower",
        (
            "Consumer sales / all sales across its whole network; 0 when nobody sold.",
            "整个网络的销售额中终端零售所占比例；无销售时为0。",
        ),
        reason(
            "Only {value} of its network's sales go to end consumers",
            "所在网络的销售额中仅{value}来自终端消费者",
        ),
    ),
    feature(
        "network_entry_fees",
        "network",
        "money",
        "higher",
        ("Entry fees paid by all members of its network.", "所在网络全体成员缴纳的入门费合计。"),
        reason("Its network collected {value} in entry fees", "所在网络共收取入门费{value}"),
    ),
    feature(
        "network_recruitment_commission_amount",
        "network",
        "money",
        "higher",
        (
            "Recruitment bonuses paid to all members of its network (拉人头 rewards).",
            "所在网络全体成员获得的拉人头奖励合计。",
        ),
        reason(
            "Its network paid {value} in recruitment bonuses", "所在网络共发放拉人头奖励{value}"
        ),
    ),
    feature(
        "network_income_gini",
        "network",
        "ratio",
        "higher",
        (
            "Gini coefficient of income (sales + commissions) across its network's members.",
            "所在网络成员收入（销售额 + 佣金）的基尼系数。",
        ),
        reason(
            "Income in its network is concentrated (Gini {value})",
            "所在网络的收入高度集中（基尼系数{value}）",
        ),
    ),
    feature(
        "network_top1_income_share",
        "network",
        "share",
        "higher",
        (
            "Share of its network's income earned by the top 1% of members (at least one); "
            "0 when the network earned nothing.",
            "所在网络收入最高的1%成员（至少1人）所得占网络总收入的比例；网络无收入时为0。",
        ),
        reason(
            "The top 1% of its network take {value} of all income",
            "所在网络收入最高的1%成员拿走了{value}的收入",
        ),
    ),
    feature(
        "network_churn_share",
        "network",
        "share",
        "higher",
        (
            "Share of its network's members who had left by as_of.",
            "所在网络中截至评估时点已退出的成员比例。",
        ),
        reason("{value} of its network has left", "所在网络已有{value}的成员退出"),
    ),
    feature(
        "network_loss_share",
        "network",
        "share",
        "higher",
        (
            "Share of its network's members whose net gain is negative.",
            "所在网络中净收益为负（亏损）的成员比例。",
        ),
        reason("{value} of its network's members lost money", "所在网络{value}的成员亏损"),
    ),
    feature(
        "branch_loss_share",
        "network",
        "share",
        "higher",
        (
            "Share of the members of its top-level branch whose net gain is negative: the branch "
            "is its tier-1 upline (itself at tier 1) with that upline's whole downline; for a "
            "root, the whole network.",
            "所在一级分支中净收益为负（亏损）的成员比例：分支指其一级上线（本人为一级时即本人）"
            "及该上线的全部下线；根账户的分支即整个网络。",
        ),
        reason("{value} of the members of its branch lost money", "其所在分支{value}的成员亏损"),
    ),
    feature(
        "network_recruits_90d",
        "network",
        "count",
        "higher",
        (
            "Members who joined its network in the 90 days up to as_of.",
            "评估时点前90天内新加入所在网络的人数。",
        ),
        reason(
            "{value} people joined its network in the last 90 days", "近90天所在网络新增{value}人"
        ),
        dtype="int64",
    ),
)

"""Specs of the whole network's aggregates (every member of a network shares them)."""

from __future__ import annotations

from features.specs.base import FeatureSpec, feature, reason

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

SPECS: tuple[FeatureSpec, ...] = NETWORK

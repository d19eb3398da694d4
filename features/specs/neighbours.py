"""Specs of neighbour aggregates: key signals over the upline chain, the direct recruits, the
downline and the top-level branch (columns of ``signals.neighbours``)."""

from __future__ import annotations

from features.signals.neighbours import UPLINE_HOPS as HOPS
from features.specs.base import FeatureSpec, feature, reason

UPLINE_EN = f"averaged over its sponsors 1 to {HOPS} links above it (a root: its own value)"
UPLINE_ZH = f"在其上方1至{HOPS}级推荐人（上线链）中的平均值（根账户取自身值）"
ENTRY_EN = "entry fee + stock bought within 30 days of joining, in typical orders of its network"
ENTRY_ZH = "入门费 + 加入30天内的进货额，以所在网络普通订单金额计"
BRANCH_EN = (
    "its top-level branch (its tier-1 upline, itself at tier 1, with that upline's whole "
    "downline; for a root, the whole network)"
)
BRANCH_ZH = "所在一级分支（其一级上线，本人为一级时即本人，及其全部下线；根账户即整个网络）"

UPLINE: tuple[FeatureSpec, ...] = (
    feature(
        "upline_recruitment_commission_share",
        "network",
        "share",
        "higher",
        (
            f"Recruitment bonuses / all commissions of each account, {UPLINE_EN}.",
            f"拉人头奖励占佣金总额的比例，{UPLINE_ZH}。",
        ),
        reason(
            "Its uplines get {value} of their pay from recruitment bonuses",
            "其上线所获佣金中拉人头奖励平均占{value}",
        ),
    ),
    feature(
        "upline_consumer_sales_share",
        "network",
        "share",
        "lower",
        (
            f"Consumer sales / all sales of each account, {UPLINE_EN}.",
            f"终端零售额占全部销售额的比例，{UPLINE_ZH}。",
        ),
        reason(
            "Its uplines make only {value} of their sales to end consumers",
            "其上线的销售额中平均仅{value}来自终端消费者",
        ),
    ),
    feature(
        "upline_entry_cost_to_typical_order",
        "network",
        "ratio",
        "higher",
        (
            f"What joining cost each account ({ENTRY_EN}), {UPLINE_EN}.",
            f"每个账户的入会成本（{ENTRY_ZH}），{UPLINE_ZH}。",
        ),
        reason(
            "Its uplines paid {value} typical orders each to join",
            "其上线平均入会花费相当于{value}笔普通订单",
        ),
    ),
    feature(
        "upline_shared_buyer_sales_share",
        "network",
        "share",
        "higher",
        (
            f"Share of each account's consumer sales made to buyer ids shared across the "
            f"network (shared_buyer_sales_share), {UPLINE_EN}.",
            f"零售额中来自在网络内多处购买的买家ID的比例（shared_buyer_sales_share），"
            f"{UPLINE_ZH}。",
        ),
        reason(
            "{value} of its uplines' consumer sales went to buyer ids shared across the network",
            "其上线零售额中平均{value}来自在网络内多处购买的买家ID",
        ),
    ),
)

BELOW: tuple[FeatureSpec, ...] = (
    feature(
        "recruits_loss_share",
        "money",
        "share",
        "higher",
        (
            "Share of its direct recruits whose net gain is negative; 0 without recruits.",
            "其直接发展的下线中净收益为负（亏损）的比例；无下线时为0。",
        ),
        reason("{value} of the agents it recruited lost money", "其直接发展的下线中{value}亏损"),
    ),
    feature(
        "downline_loss_share",
        "money",
        "share",
        "higher",
        (
            "Share of its downline (every tier, itself excluded) whose net gain is negative; "
            "0 without downline.",
            "其全部下线（各层，不含本人）中净收益为负（亏损）的比例；无下线时为0。",
        ),
        reason("{value} of its downline lost money", "其下线中{value}亏损"),
    ),
    feature(
        "downline_recruitment_commission_share",
        "money",
        "share",
        "higher",
        (
            "Recruitment bonuses / all commissions received by its downline (every tier, "
            "itself excluded); 0 when they were paid nothing.",
            "其全部下线（不含本人）所获佣金中拉人头奖励所占比例；下线未获佣金时为0。",
        ),
        reason(
            "Its downline gets {value} of its pay from recruitment bonuses",
            "其下线所获佣金中拉人头奖励占{value}",
        ),
    ),
    feature(
        "downline_mean_entry_cost_to_typical_order",
        "money",
        "ratio",
        "higher",
        (
            f"What joining cost the average member of its downline (itself excluded): "
            f"{ENTRY_EN}; 0 without downline.",
            f"其下线成员（不含本人）的平均入会成本：{ENTRY_ZH}；无下线时为0。",
        ),
        reason(
            "Each member of its downline paid {value} typical orders to join",
            "其下线成员平均入会花费相当于{value}笔普通订单",
        ),
    ),
)

BRANCH: tuple[FeatureSpec, ...] = (
    feature(
        "branch_consumer_sales_share",
        "network",
        "share",
        "lower",
        (
            f"Consumer sales / all sales of {BRANCH_EN}; 0 when the branch sold nothing.",
            f"{BRANCH_ZH}的销售额中终端零售所占比例；分支无销售时为0。",
        ),
        reason(
            "Only {value} of its branch's sales go to end consumers",
            "其所在分支的销售额中仅{value}来自终端消费者",
        ),
    ),
    feature(
        "branch_recruitment_commission_share",
        "network",
        "share",
        "higher",
        (
            f"Recruitment bonuses / all commissions received in {BRANCH_EN}; 0 when the branch "
            f"was paid nothing.",
            f"{BRANCH_ZH}所获佣金中拉人头奖励所占比例；分支未获佣金时为0。",
        ),
        reason(
            "Its branch gets {value} of its pay from recruitment bonuses",
            "其所在分支所获佣金中拉人头奖励占{value}",
        ),
    ),
    feature(
        "branch_mean_entry_cost_to_typical_order",
        "network",
        "ratio",
        "higher",
        (
            f"What joining cost the average member of {BRANCH_EN}: {ENTRY_EN}.",
            f"{BRANCH_ZH}成员的平均入会成本：{ENTRY_ZH}。",
        ),
        reason(
            "Joining its branch cost {value} typical orders per member",
            "加入其所在分支平均花费相当于{value}笔普通订单",
        ),
    ),
)

END_USER_EN = (
    "money in from end users (consumer sales to buyer ids not shared across the network) / "
    "all money in (those sales + entry fees + stock bought and never sold on)"
)
END_USER_ZH = (
    "来自终端用户的收入（对网络内非共用买家的零售额）占全部流入资金"
    "（该零售额 + 入门费 + 买入后未售出的存货）的比例"
)

END_USERS: tuple[FeatureSpec, ...] = (
    feature(
        "end_user_share",
        "network",
        "share",
        "lower",
        (
            f"Of the account with its whole downline: {END_USER_EN}; 1 when no money came in.",
            f"本人及其全部下线：{END_USER_ZH}；无资金流入时为1。",
        ),
        reason(
            "Only {value} of the money its team took in came from end users",
            "其团队收入中仅{value}来自终端用户",
        ),
    ),
    feature(
        "branch_end_user_share",
        "network",
        "share",
        "lower",
        (
            f"Of {BRANCH_EN}: {END_USER_EN}; 1 when no money came in.",
            f"{BRANCH_ZH}：{END_USER_ZH}；无资金流入时为1。",
        ),
        reason(
            "Only {value} of the money its branch took in came from end users",
            "其所在分支收入中仅{value}来自终端用户",
        ),
    ),
    feature(
        "network_end_user_share",
        "network",
        "share",
        "lower",
        (
            f"Of its whole network: {END_USER_EN}; 1 when no money came in.",
            f"整个网络：{END_USER_ZH}；无资金流入时为1。",
        ),
        reason(
            "Only {value} of the money its network took in came from end users",
            "其所在网络收入中仅{value}来自终端用户",
        ),
    ),
)

SPECS: tuple[FeatureSpec, ...] = (*UPLINE, *BELOW, *BRANCH, *END_USERS)

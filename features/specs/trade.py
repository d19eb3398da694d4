"""Specs of inventory pushed versus consumer sales (压货 versus retail).

Refunded orders count in no sales, purchase or consumer figure, only in ``refund_share``.
"""

from __future__ import annotations

from features.specs.base import FeatureSpec, feature, reason

INVENTORY: tuple[FeatureSpec, ...] = (
    feature(
        "consumer_sales_amount",
        "inventory",
        "money",
        "lower",
        (
            "Sales to consumers: buyers that were not agents when they paid (refunds excluded).",
            "面向终端消费者的销售额：买家付款时不是代理（不含退款订单）。",
        ),
        reason("It sold {value} to end consumers", "其对终端消费者的销售额为{value}"),
    ),
    feature(
        "downline_sales_amount",
        "inventory",
        "money",
        "higher",
        (
            "Sales to agents in its own downline: inventory pushed down (refunds excluded).",
            "向自己下线代理销售的金额，即向下压货（不含退款订单）。",
        ),
        reason(
            "It pushed {value} of stock to its own downline agents", "其向自己的下线代理压货{value}"
        ),
    ),
    feature(
        "agent_sales_amount",
        "inventory",
        "money",
        "higher",
        (
            "Sales to any agent account, in its downline or not (refunds excluded).",
            "向任何代理账户（无论是否本人下线）的销售额（不含退款）。",
        ),
        reason("It sold {value} to other agents", "其向其他代理销售{value}"),
    ),
    feature(
        "consumer_sales_share",
        "inventory",
        "share",
        "lower",
        (
            "Consumer sales / all its sales; 0 when it sold nothing.",
            "终端零售额占其全部销售额的比例；无销售时为0。",
        ),
        reason(
            "Only {value} of its sales go to end consumers", "其销售额中仅{value}来自终端消费者"
        ),
    ),
    feature(
        "stock_purchases_amount",
        "inventory",
        "money",
        "higher",
        (
            "What it bought as an agent from other accounts (拿货; refunds excluded).",
            "其作为代理向其他账户进货（拿货）的金额（不含退款）。",
        ),
        reason("It bought {value} of stock as an agent", "其作为代理进货{value}"),
    ),
    feature(
        "stock_purchase_count",
        "inventory",
        "count",
        "higher",
        (
            "Number of agent purchases it made (refunds excluded).",
            "其作为代理的进货次数（不含退款）。",
        ),
        reason("It placed {value} stock orders", "其进货{value}次"),
        dtype="int64",
    ),
    feature(
        "first_stock_purchase_amount",
        "inventory",
        "money",
        "higher",
        (
            "Agent purchases within 30 days of joining: the mandatory first stock order.",
            "加入后30天内的进货金额，即强制首单（变相入门费）。",
        ),
        reason(
            "It bought {value} of stock within 30 days of joining",
            "其加入后30天内即进货{value}（首批压货）",
        ),
    ),
    feature(
        "sell_through_ratio",
        "inventory",
        "ratio",
        "lower",
        (
            "Units it sold (to anyone) / units it bought as an agent (the 70% rule); "
            "1 when it bought nothing.",
            "售出件数与进货件数之比（70%规则）；未进货时为1。",
        ),
        reason(
            "It has sold {value} units for each unit of stock it bought",
            "其每进货1件仅售出{value}件",
        ),
    ),
    feature(
        "unique_consumers",
        "inventory",
        "count",
        "lower",
        (
            "Distinct consumers (buyer ids) it sold to (the 10-customer rule).",
            "向其购买过的不同终端消费者人数（10名顾客规则）。",
        ),
        reason("It has {value} distinct consumers", "其仅有{value}名不同的终端消费者"),
        dtype="int64",
    ),
    feature(
        "repeat_consumer_share",
        "inventory",
        "share",
        "lower",
        (
            "Share of its consumers who bought from it at least twice; 0 without consumers.",
            "至少复购两次的消费者占其消费者的比例；无消费者时为0。",
        ),
        reason("{value} of its consumers bought again", "其消费者中复购的比例为{value}"),
    ),
    feature(
        "top_consumer_share",
        "inventory",
        "share",
        "higher",
        (
            "Share of its consumer sales from its single biggest buyer (faked sales use few ids).",
            "最大单一消费者贡献的零售额占比（刷单往往集中在少数买家账号）。",
        ),
        reason(
            "{value} of its consumer sales come from a single buyer",
            "其零售额的{value}来自同一个买家",
        ),
    ),
    feature(
        "refund_share",
        "inventory",
        "share",
        "higher",
        (
            "Refunded amount / everything it sold, refunds included; 0 when it sold nothing.",
            "退款金额占其全部订单金额（含退款订单）的比例；无订单时为0。",
        ),
        reason("{value} of what it sold was refunded", "其销售额中{value}发生了退款"),
    ),
    feature(
        "downline_consumer_sales_share",
        "inventory",
        "share",
        "lower",
        (
            "Consumer sales / all sales of the account plus its downline (the Vemma test); "
            "0 when they sold nothing.",
            "本人及全部下线的销售额中终端零售所占比例（Vemma标准）；无销售时为0。",
        ),
        reason(
            "Only {value} of the revenue of it and its downline comes from end consumers",
            "其本人及下线的销售收入中仅{value}来自终端消费者",
        ),
    ),
    feature(
        "downline_stock_purchases_amount",
        "inventory",
        "money",
        "higher",
        (
            "Stock bought by all accounts in its downline (refunds excluded).",
            "其全部下线的进货金额合计（不含退款）。",
        ),
        reason("Its downline bought {value} of stock", "其下线合计进货{value}"),
    ),
)

SPECS: tuple[FeatureSpec, ...] = INVENTORY

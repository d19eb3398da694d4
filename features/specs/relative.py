"""Specs of money in units of the network's typical order (the model's money inputs).

Raw currency amounts stay in the table for rules, reports and moderators, but are not model
inputs: a model that learns "an entry fee above 500" breaks on a platform with another price
level or currency. These ratios carry the same signal without the unit. The entry costs exist
only in this unit: they compare what joining costs with what the network's products cost.
"""

from __future__ import annotations

from features.signals.relative import RELATIVE_OF
from features.specs.base import FeatureSpec, feature, reason
from features.specs.money import MONEY
from features.specs.network import NETWORK
from features.specs.trade import INVENTORY

UNIT_EN = " / the median order amount in its network (free of price level and currency)."
UNIT_ZH = "除以所在网络订单金额中位数（与价格水平和币种无关）。"

# raw feature -> (what it is, in a few words: English, Chinese)
SUBJECT = {
    "consumer_sales_amount": ("Its sales to end consumers", "其终端零售额"),
    "downline_sales_amount": ("The stock it pushed to its own downline", "其向下线压货金额"),
    "agent_sales_amount": ("Its sales to other agents", "其向其他代理的销售额"),
    "stock_purchases_amount": ("The stock it bought as an agent", "其进货金额"),
    "first_stock_purchase_amount": (
        "The stock it bought within 30 days of joining",
        "其加入30天内的进货金额",
    ),
    "downline_stock_purchases_amount": ("The stock its downline bought", "其下线进货金额"),
    "entry_fee": ("The fee it paid to join", "其入门费"),
    "downline_entry_fees": ("The entry fees its downline paid", "其下线缴纳的入门费"),
    "total_commission_amount": ("All commissions it received", "其所获佣金总额"),
    "recruitment_commission_amount": ("Its recruitment bonuses", "其拉人头奖励"),
    "team_commission_amount": ("Its overrides on the downline", "其团队计酬提成"),
    "retail_commission_amount": ("Its retail commissions", "其零售提成"),
    "net_gain_amount": ("Its net gain", "其净收益"),
    "network_entry_fees": ("The entry fees its network collected", "所在网络收取的入门费"),
    "network_recruitment_commission_amount": (
        "The recruitment bonuses its network paid",
        "所在网络发放的拉人头奖励",
    ),
}


def _relative(raw: FeatureSpec) -> FeatureSpec:
    english, chinese = SUBJECT[raw.name]
    return feature(
        RELATIVE_OF[raw.name],
        raw.group,
        "ratio",
        raw.riskier,
        (raw.description_en.rstrip(".") + UNIT_EN, raw.description_zh.rstrip("。") + UNIT_ZH),
        reason(
            f"{english}: {{value}} typical orders of its network",  # no verb to agree with
            f"{chinese}相当于所在网络{{value}}笔普通订单",
        ),
    )


_RAW = {spec.name: spec for spec in (*INVENTORY, *MONEY, *NETWORK)}
RELATIVE: tuple[FeatureSpec, ...] = tuple(_relative(_RAW[name]) for name in RELATIVE_OF)
RAW_MONEY: frozenset[str] = frozenset(RELATIVE_OF)  # kept for rules and reports, not the model

ENTRY_EN = "entry fee + stock bought within 30 days of joining (入门费 and first stock order)"
ENTRY_COST: tuple[FeatureSpec, ...] = (
    feature(
        "network_mean_entry_cost_to_typical_order",
        "network",
        "ratio",
        "higher",
        (
            f"What joining cost the average member of its network: {ENTRY_EN}, per member"
            + UNIT_EN,
            "所在网络成员的平均入会成本（入门费 + 加入30天内的进货额）" + UNIT_ZH,
        ),
        reason(
            "Joining its network cost {value} typical orders per member",
            "加入所在网络平均花费相当于{value}笔普通订单",
        ),
    ),
    feature(
        "recruits_mean_entry_cost_to_typical_order",
        "money",
        "ratio",
        "higher",
        (
            f"What joining under it cost: {ENTRY_EN}, averaged over its direct recruits"
            + UNIT_EN.removesuffix(".")
            + "; 0 without recruits.",
            "其直接发展的下线的平均入会成本（入门费 + 加入30天内的进货额）"
            + UNIT_ZH.removesuffix("。")
            + "；无下线时为0。",
        ),
        reason(
            "Each agent it recruited paid {value} typical orders to join",
            "其直接发展的下线平均入会花费相当于{value}笔普通订单",
        ),
    ),
)

SPECS: tuple[FeatureSpec, ...] = (*RELATIVE, *ENTRY_COST)

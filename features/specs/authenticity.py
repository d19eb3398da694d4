"""Specs of consumer authenticity: whether the buyers behind consumer sales act like consumers.

A consumer sale is *shared* when its buyer id bought from at least three distinct members of the
seller's network (``features.signals.authenticity.SHARED_BUYER_MIN_SELLERS``): a real consumer
buys from one agent, sometimes two; a pool of controlled ids (刷单) buys from many.
``post_restock_sales_excess`` is evidence for moderators only (``model_input=False``): consumer
orders bunched right after the seller's own stock arrived fit fake sales, but also a seller that
had run out of stock, so what it means depends on the platform.
"""

from __future__ import annotations

from features.signals.authenticity import RESTOCK_WINDOW_DAYS as WINDOW
from features.signals.authenticity import SHARED_BUYER_MIN_SELLERS as SELLERS
from features.specs.base import FeatureSpec, feature, reason

SHARED_EN = (
    f"whose buyer id bought from at least {SELLERS} distinct members of its network "
    "(kept orders up to as_of)"
)
SHARED_ZH = f"的买家ID向所在网络至少{SELLERS}个不同成员购买过（截至评估时点，不含退款）"
BRANCH_EN = (
    "its top-level branch (its tier-1 upline, itself at tier 1, with that upline's whole "
    "downline; for a root, the whole network)"
)
BRANCH_ZH = "所在一级分支（其一级上线，本人为一级时即本人，及其全部下线；根账户即整个网络）"

AUTHENTICITY: tuple[FeatureSpec, ...] = (
    feature(
        "shared_buyer_sales_share",
        "inventory",
        "share",
        "higher",
        (
            f"Share of its consumer sales made to buyers {SHARED_EN}: a real consumer buys "
            "from one agent, a pool of controlled ids (刷单) from many; 0 without consumer sales.",
            f"其终端零售额中，{SHARED_ZH}的部分所占比例：真实消费者通常只向一个代理购买，"
            "受控的刷单账号会向多个成员“购买”；无零售时为0。",
        ),
        reason(
            "{value} of its consumer sales went to buyer ids that also buy from many other "
            "members of its network",
            "其零售额的{value}来自同时向所在网络多个成员购买的买家ID",
        ),
    ),
    feature(
        "downline_shared_buyer_sales_share",
        "inventory",
        "share",
        "higher",
        (
            f"The same share over the consumer sales of its downline (itself excluded): sales "
            f"to buyers {SHARED_EN}; 0 when its downline made none.",
            f"其下线（不含本人）的零售额中，{SHARED_ZH}的部分所占比例；下线无零售时为0。",
        ),
        reason(
            "{value} of its downline's consumer sales went to buyer ids shared across its network",
            "其下线零售额的{value}来自在所在网络多处购买的买家ID",
        ),
    ),
    feature(
        "branch_shared_buyer_sales_share",
        "network",
        "share",
        "higher",
        (
            f"The same share over the consumer sales of {BRANCH_EN}; 0 when the branch made none.",
            f"{BRANCH_ZH}的零售额中，{SHARED_ZH}的部分所占比例；分支无零售时为0。",
        ),
        reason(
            "{value} of its branch's consumer sales went to buyer ids shared across its network",
            "其所在分支零售额的{value}来自在所在网络多处购买的买家ID",
        ),
    ),
    feature(
        "network_shared_buyer_sales_share",
        "network",
        "share",
        "higher",
        (
            "The same share over the consumer sales of its whole network; 0 when nobody in it "
            "sold to consumers.",
            f"所在整个网络的零售额中，{SHARED_ZH}的部分所占比例；网络无零售时为0。",
        ),
        reason(
            "{value} of its network's consumer sales went to buyer ids shared across the network",
            "所在网络零售额的{value}来自在网络内多处购买的买家ID",
        ),
    ),
    feature(
        "branch_authentic_consumer_sales_share",
        "network",
        "share",
        "lower",
        (
            f"Consumer sales to buyers who are not shared across the network / all sales of "
            f"{BRANCH_EN} (the end-user share with likely fake consumers set aside); 0 when the "
            f"branch sold nothing.",
            f"{BRANCH_ZH}的全部销售额中，剔除在网络内多处购买的买家后的终端零售所占比例"
            "（去除疑似刷单后的终端用户占比）；分支无销售时为0。",
        ),
        reason(
            f"Only {{value}} of its branch's sales go to consumers who buy from at most "
            f"{SELLERS - 1} of its members",
            f"其所在分支销售额中仅{{value}}来自只向不超过{SELLERS - 1}个成员购买的消费者",
        ),
    ),
    feature(
        "network_authentic_consumer_sales_share",
        "network",
        "share",
        "lower",
        (
            "Consumer sales to buyers who are not shared across the network / all sales of its "
            "whole network (the end-user share with likely fake consumers set aside); 0 when "
            "nobody sold.",
            "所在整个网络的全部销售额中，剔除在网络内多处购买的买家后的终端零售所占比例"
            "（去除疑似刷单后的终端用户占比）；无销售时为0。",
        ),
        reason(
            f"Only {{value}} of its network's sales go to consumers who buy from at most "
            f"{SELLERS - 1} of its members",
            f"所在网络销售额中仅{{value}}来自只向不超过{SELLERS - 1}个成员购买的消费者",
        ),
    ),
)

RESTOCK_TIMING: tuple[FeatureSpec, ...] = (
    feature(
        "post_restock_sales_excess",
        "inventory",
        "share",
        "higher",
        (
            f"Share of its consumer orders paid within {WINDOW} days after one of its own stock "
            f"purchases, minus the share of its selling time (joining to leaving or as_of) "
            f"those {WINDOW}-day windows cover: above 0, its sales bunch right after its stock "
            f"arrives; 0 without consumer orders. Evidence for review, not a model input (a "
            f"seller that ran out of stock shows it too).",
            f"其零售订单中在本人进货后{WINDOW}天内付款的比例，减去这些{WINDOW}天窗口占其经营时间"
            f"（加入至退出或评估时点）的比例：大于0表示销售集中在到货之后；无零售订单时为0。"
            f"仅作审核参考，不作模型输入（断货后补货的卖家也会如此）。",
        ),
        (
            f"{{value}} more of its consumer orders than expected came within {WINDOW} days "
            f"after its own stock arrived",
            f"其零售订单在本人到货后{WINDOW}天内付款的比例比预期高出{{value}}",
        ),
        model_input=False,
    ),
)

SPECS: tuple[FeatureSpec, ...] = (*AUTHENTICITY, *RESTOCK_TIMING)

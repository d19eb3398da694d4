"""Every network family's habits, in one place: structure, growth, money in, trade and pay.

Numbers are calibrated to ../shared/docs/DOMAIN.md: heavy-tailed network sizes (lognormal),
depth from an attachment exponent (``depth ~ ln(size) / shallowness``, so a few pyramids reach
10-30+ tiers), about half of a legitimate base quitting within a year, pyramid bottoms leaving
within weeks holding stock (most participants lose money). Hard negatives and hard positives
deliberately share the single signals that a naive rule would use.
"""

from __future__ import annotations

from dataclasses import dataclass

Range = tuple[float, float]
Rates = tuple[float, ...]


@dataclass(frozen=True)
class Family:
    """One kind of seller network and how its accounts grow, trade and get paid.

    Defaults describe a plain legitimate seller; each family states only where it differs.
    """

    name: str
    label: int  # 1 = pyramid-style (传销化), 0 = legitimate
    weight: float  # share of its class's accounts (positives or negatives)
    # structure: network size ~ lognormal(size_median, size_sigma) capped at size_max;
    # the i-th account's sponsor is account floor(i * U**a), a drawn per network from
    # `shallowness`: a large = star (one 总代, many direct agents), a small = long chains
    size_median: float = 1.0
    size_sigma: float = 0.0
    size_max: int = 1
    shallowness: Range = (9.0, 9.0)
    max_tier: int = 0  # deeper accounts re-attach at this tier (plans that pay few levels)
    # growth and churn (days)
    growth_days: Range = (1.0, 1.0)  # how long the network keeps recruiting
    growth_shape: float = 1.0  # >1: joins accelerate toward the end (viral, pyramid)
    churn_days: float = 500.0  # median time until an account stops selling (exponential)
    collapse_exit: float = 0.0  # share of non-roots leaving soon after recruiting stops
    # money in: entry fees and first stock orders (入门费 / 首单压货)
    fee_prob: float = 0.0
    fee_median: float = 0.0
    first_stock_prob: float = 0.0
    first_stock_median: float = 0.0
    # restocking from the sponsor: sized to own consumer sales, plus stock pushed regardless
    restock_to_sales: float = 0.0  # restock value per unit of own consumer sales
    pushed_per_month: float = 0.0  # median stock value pushed per active month
    restock_ticket: float = 300.0  # typical value of one restock order
    # consumer sales
    consumer_rate: float = 1.0  # relative consumer orders per active day (scaled to target)
    root_consumer_rate: float = 1.0  # the same for the network's root (总代 / leader)
    order_median: float = 80.0
    order_sigma: float = 0.7
    customers_median: float = 40.0  # each seller's own customer base (repeat customers)
    dormant_share: float = 0.0  # recruits who never sell to consumers (own use, gave up)
    fake_buyer_share: float = 0.0  # share of "consumer" orders from a few controlled ids
    refund_rate: float = 0.03
    # pay plan
    retail_rate: float = 0.0  # on own consumer sales, paid monthly
    team_sales_rates: Rates = ()  # per upline level, on the downline's consumer sales
    team_stock_rates: Rates = ()  # per level above the seller, on downline stock purchases
    recruit_rates: Rates = ()  # per upline level, on a recruit's entry fee + first stock
    recruit_bonus: float = 0.0  # fixed reward to the direct sponsor per recruit
    recruit_kind: str = "recruitment"  # how recruitment rewards are booked
    other_monthly: float = 0.0  # platform incentives to the network root (kind "other")
    level_names: tuple[str, ...] = ("",)  # declared_level by tier; the last repeats deeper


CHINESE_TIERS = ("总代", "一级代理", "二级代理", "三级代理", "代理")
DIRECT_SELLING_RANKS = ("director", "manager", "member")

# No sponsor, no downline: a shop selling to its own repeat customers.
INDEPENDENT = Family(
    name="independent_shop",
    label=0,
    weight=0.28,
    restock_ticket=100.0,
    order_sigma=0.8,
)
# Legitimate affiliate / direct selling: 1-3 tiers, pay mostly on retail, restocks follow sales;
# some plans sell a small starter kit (a legitimate entry-fee look-alike).
AFFILIATE = Family(
    name="affiliate_network",
    label=0,
    weight=0.24,
    size_median=12,
    size_sigma=1.1,
    size_max=3000,
    shallowness=(1.0, 3.0),
    max_tier=3,
    growth_days=(150, 365),
    churn_days=250,
    fee_prob=0.25,
    fee_median=150.0,
    first_stock_prob=0.5,
    first_stock_median=300.0,
    restock_to_sales=0.6,
    restock_ticket=400.0,
    root_consumer_rate=1.2,
    order_median=120.0,
    customers_median=25.0,
    retail_rate=0.15,
    team_sales_rates=(0.05, 0.02),
    level_names=DIRECT_SELLING_RANKS,
    dormant_share=0.35,
)
# 团长: a leader and a few helpers, many small consumer orders from a large neighbourhood.
GROUP_BUY = Family(
    name="group_buy_leader",
    label=0,
    weight=0.12,
    size_median=3,
    size_sigma=0.5,
    size_max=12,
    shallowness=(4.0, 8.0),
    max_tier=1,
    growth_days=(10, 120),
    churn_days=250,
    first_stock_prob=0.1,
    first_stock_median=200.0,
    restock_to_sales=0.5,
    consumer_rate=2.5,
    root_consumer_rate=4.0,
    order_median=30.0,
    order_sigma=0.6,
    customers_median=150.0,
    refund_rate=0.02,
    retail_rate=0.08,
    team_sales_rates=(0.02,),
    other_monthly=50.0,
    level_names=("团长", "团员助手"),
    dormant_share=0.2,
)
# Hard negative: a distributor whose sales go mostly to resellers (deposits, big first stock
# orders, 2-3 tiers), but the resellers really sell through to consumers.
WHOLESALE = Family(
    name="wholesale_distributor",
    label=0,
    weight=0.14,
    size_median=15,
    size_sigma=0.9,
    size_max=800,
    shallowness=(2.5, 6.0),
    max_tier=2,
    growth_days=(60, 365),
    churn_days=350,
    fee_prob=0.5,
    fee_median=1500.0,
    first_stock_prob=0.9,
    first_stock_median=2000.0,
    restock_to_sales=0.75,
    restock_ticket=1500.0,
    consumer_rate=1.6,
    root_consumer_rate=0.3,
    order_median=150.0,
    customers_median=60.0,
    retail_rate=0.03,
    level_names=("distributor", "reseller", "reseller"),
    dormant_share=0.1,
)
# Hard negative: a viral campaign recruiting in bursts, 4-8 tiers, referral bonuses booked as
# recruitment, high churn, small sign-up kits - but real consumer sales.
VIRAL = Family(
    name="viral_campaign",
    label=0,
    weight=0.14,
    size_median=120,
    size_sigma=1.2,
    size_max=20000,
    shallowness=(0.7, 1.4),
    max_tier=10,
    growth_days=(14, 75),
    growth_shape=2.5,
    churn_days=75,
    fee_prob=0.3,
    fee_median=99.0,
    first_stock_prob=0.3,
    first_stock_median=150.0,
    restock_to_sales=0.5,
    restock_ticket=200.0,
    consumer_rate=1.1,
    order_median=90.0,
    customers_median=20.0,
    refund_rate=0.05,
    retail_rate=0.12,
    team_sales_rates=(0.03,),
    recruit_bonus=15.0,
    level_names=DIRECT_SELLING_RANKS,
    dormant_share=0.45,
)
# Classic pyramid: entry fees or mandatory first stock, stock pushed down tiers, recruitment
# rewards several levels up, little consumer demand, bottoms leave with unsold stock.
CLASSIC = Family(
    name="classic_pyramid",
    label=1,
    weight=0.40,
    size_median=150,
    size_sigma=1.5,
    size_max=60000,
    shallowness=(0.45, 4.0),
    max_tier=60,
    growth_days=(45, 240),
    growth_shape=2.0,
    churn_days=45,
    collapse_exit=0.8,
    fee_prob=0.6,
    fee_median=600.0,
    first_stock_prob=0.85,
    first_stock_median=1200.0,
    restock_to_sales=0.2,
    pushed_per_month=600.0,
    restock_ticket=800.0,
    consumer_rate=0.3,
    root_consumer_rate=0.1,
    order_median=110.0,
    customers_median=8.0,
    refund_rate=0.08,
    retail_rate=0.02,
    team_stock_rates=(0.05, 0.03, 0.02),
    recruit_rates=(0.2, 0.1, 0.05, 0.03),
    level_names=CHINESE_TIERS,
    dormant_share=0.6,
)
# Hard positive: no entry fee, a "consumer" demand faked (刷单) through a few controlled buyer
# ids, recruitment rewards booked as team overrides, modest depth.
DISGUISED = Family(
    name="disguised_pyramid",
    label=1,
    weight=0.25,
    size_median=50,
    size_sigma=1.0,
    size_max=8000,
    shallowness=(1.2, 2.5),
    max_tier=6,
    growth_days=(60, 240),
    growth_shape=1.5,
    churn_days=75,
    collapse_exit=0.6,
    fee_prob=0.08,
    fee_median=150.0,
    first_stock_prob=0.95,
    first_stock_median=900.0,
    restock_to_sales=0.3,
    pushed_per_month=250.0,
    restock_ticket=600.0,
    consumer_rate=2.0,
    root_consumer_rate=2.0,
    order_median=110.0,
    order_sigma=0.6,
    customers_median=6.0,
    fake_buyer_share=0.8,
    refund_rate=0.02,
    retail_rate=0.1,
    team_sales_rates=(0.02,),
    team_stock_rates=(0.03,),
    recruit_rates=(0.18, 0.08, 0.04),
    recruit_kind="team",
    level_names=DIRECT_SELLING_RANKS,
    dormant_share=0.3,
)
# Slow high-ticket pyramid: few recruits, large entry fees, no consumer demand.
SLOW_HIGH_TICKET = Family(
    name="slow_high_ticket_pyramid",
    label=1,
    weight=0.10,
    size_median=10,
    size_sigma=0.8,
    size_max=400,
    shallowness=(1.0, 3.0),
    max_tier=8,
    growth_days=(200, 365),
    churn_days=220,
    collapse_exit=0.3,
    fee_prob=0.95,
    fee_median=18000.0,
    first_stock_prob=0.3,
    first_stock_median=3000.0,
    restock_ticket=3000.0,
    consumer_rate=0.0,
    root_consumer_rate=0.0,
    order_median=200.0,
    order_sigma=0.5,
    customers_median=3.0,
    refund_rate=0.02,
    recruit_rates=(0.3, 0.1, 0.05),
    level_names=CHINESE_TIERS,
)
# Drifted: an affiliate network (host, legitimate) where one branch later turns into a classic or
# disguised scheme (graft, positive); the family's weight counts the graft's accounts.
DRIFTED = Family(
    name="drifted_network",
    label=1,
    weight=0.25,
    size_median=40,
    size_sigma=0.9,
    size_max=6000,
    shallowness=(0.8, 2.0),
    max_tier=30,
    growth_days=(60, 200),
    growth_shape=2.0,
    churn_days=60,
    collapse_exit=0.7,
    fee_prob=0.6,
    fee_median=500.0,
    first_stock_prob=0.9,
    first_stock_median=1000.0,
    restock_to_sales=0.2,
    pushed_per_month=500.0,
    restock_ticket=700.0,
    consumer_rate=0.2,
    root_consumer_rate=0.1,
    order_median=110.0,
    customers_median=6.0,
    fake_buyer_share=0.4,
    refund_rate=0.05,
    retail_rate=0.03,
    team_stock_rates=(0.04, 0.02),
    recruit_rates=(0.2, 0.1, 0.05),
    level_names=CHINESE_TIERS,
    dormant_share=0.5,
)
DRIFT_HOST_RATIO = 1.2  # legitimate host accounts per grafted scheme account
DRIFT_DISGUISED_SHARE = 0.4  # share of drifted branches whose pay plan books rewards as team

FAMILIES: tuple[Family, ...] = (
    INDEPENDENT, AFFILIATE, GROUP_BUY, WHOLESALE, VIRAL, CLASSIC, DISGUISED, SLOW_HIGH_TICKET,
    DRIFTED,
)  # fmt: skip
FAMILY_NAMES: tuple[str, ...] = tuple(f.name for f in FAMILIES)


def family_index(name: str) -> int:
    """Position of a family in ``FAMILIES`` (the integer code used in arrays)."""
    return FAMILY_NAMES.index(name)

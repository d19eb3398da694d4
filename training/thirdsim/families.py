"""The network families of the platform, as data: schemes and their lawful look-alikes.

Each family is one ``Recipe``: how its tree grows, how members pay to join, buy stock, sell
to consumers (or fake it), and how the network pays its members. Amounts are multiples of
the network's list price. Schemes and look-alikes share mechanisms on purpose (per-head
bonuses, deep tiers, stock pushed down, team overrides): what differs is where the money
comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Growth = Literal["steady", "burst", "young", "collapse"]
Kind = Literal["recruitment", "retail", "team", "other"]

LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    "none": (),
    "weishang": ("总代", "省代", "市代", "一级代理", "二级代理", "三级代理"),
    "mlm": ("Founder", "Diamond", "Platinum", "Gold", "Silver", "Member"),
    "distributor": ("Regional Distributor", "Distributor", "Reseller"),
    "group": ("团长", "团员"),
    "franchise": ("品牌方", "加盟店"),
}


@dataclass(frozen=True)
class Recipe:
    """How one family of networks grows, trades and pays (amounts in list prices)."""

    family: str
    scheme: bool
    weight: float  # share of its side's (scheme / legitimate) account budget
    size_min: int  # smallest network; sizes are Pareto above it
    size_tail: float  # Pareto tail index: smaller = heavier tail
    attach: tuple[float, float]  # sponsor = floor(i * U**a): small a = recent sponsors, deep
    growth: Growth
    retail_per_day: float  # genuine consumer orders per member-day (median member)
    levels: str = "none"
    fill_width: tuple[int, ...] = ()  # forced fill (binary, matrix) instead of attachment
    root_retail: float = 1.0  # the root's retail rate, in multiples of a member's
    repeat_share: float = 0.5  # consumer orders by the seller's own regulars
    entry_fee: tuple[float, float] = (0.0, 0.0)
    fee_as_package: float = 0.0  # chance (per network) the fee is an order from the root
    first_stock: tuple[float, float] = (0.0, 0.0)  # first stock order; 0 = no stock
    supplier_root: float = 0.0  # chance (per network) stock comes from the root
    quota_days: tuple[float, float] = (30.0, 30.0)
    quota_stock: tuple[float, float] = (0.0, 0.0)  # fixed reorder; 0 = sized to sales
    fake_per_stock: float = 0.0  # fake consumer orders per stock order (刷单)
    fake_pool: float = 0.5  # chance the fakes come from a shared pool, else fresh one-off ids
    head_levels: int = 0
    head_bonus: float = 0.0
    head_kinds: tuple[Kind, ...] = ("recruitment",)
    team_levels: int = 0
    team_rate: float = 0.0
    team_on_sales: bool = False  # overrides on the downline's retail, not its purchases
    team_kinds: tuple[Kind, ...] = ("team",)
    retail_rate: float = 0.0  # retail commission on own consumer sales
    weekly_share: float = 0.3  # chance (per network) pay comes as weekly statements
    life_days: float = 900.0  # mean time before a member leaves
    refund_rate: float = 0.04
    wholesale_buyers: float = 0.0  # business buyers per day of the top tiers


SCHEMES: tuple[Recipe, ...] = (
    Recipe(
        "pay_to_join",
        True,
        0.16,
        30,
        1.2,
        (0.2, 0.5),
        "burst",
        0.004,
        "mlm",
        entry_fee=(3, 15),
        fee_as_package=0.35,
        head_levels=4,
        head_bonus=1.2,
        head_kinds=("recruitment", "other"),
        life_days=120,
        refund_rate=0.01,
    ),
    Recipe(
        "stock_loading",
        True,
        0.15,
        30,
        1.3,
        (0.3, 0.7),
        "burst",
        0.02,
        "weishang",
        first_stock=(8, 40),
        quota_days=(25, 35),
        quota_stock=(4, 12),
        life_days=200,
        fake_per_stock=0.3,
        head_levels=1,
        head_bonus=0.5,
        head_kinds=("other",),
    ),
    Recipe(
        "headcount_bonus",
        True,
        0.14,
        30,
        1.2,
        (0.15, 0.45),
        "burst",
        0.006,
        "weishang",
        entry_fee=(1, 4),
        fee_as_package=0.2,
        head_levels=3,
        head_bonus=0.8,
        head_kinds=("recruitment", "team", "other"),
        life_days=150,
    ),
    Recipe(
        "fake_retail",
        True,
        0.15,
        30,
        1.3,
        (0.3, 0.7),
        "burst",
        0.01,
        "weishang",
        first_stock=(5, 25),
        supplier_root=0.3,
        quota_days=(20, 40),
        quota_stock=(3, 10),
        fake_per_stock=4.0,
        fake_pool=0.6,
        team_levels=3,
        team_rate=0.08,
        team_kinds=("team", "retail"),
        life_days=300,
    ),
    Recipe(
        "binary_matrix",
        True,
        0.12,
        30,
        1.3,
        (0.5, 0.5),
        "burst",
        0.008,
        "mlm",
        fill_width=(2, 3),
        entry_fee=(4, 10),
        fee_as_package=1.0,
        quota_days=(30, 30),
        quota_stock=(1, 2),
        supplier_root=1.0,
        team_levels=6,
        team_rate=0.05,
        team_kinds=("team",),
        weekly_share=0.7,
        life_days=250,
    ),
    Recipe(
        "agent_disguise",
        True,
        0.12,
        30,
        1.4,
        (0.4, 0.9),
        "steady",
        0.04,
        "distributor",
        first_stock=(3, 10),
        quota_days=(30, 45),
        quota_stock=(2, 5),
        fake_per_stock=1.0,
        team_levels=3,
        team_rate=0.1,
        team_kinds=("team", "other"),
        life_days=400,
    ),
    Recipe(
        "young_scheme",
        True,
        0.08,
        15,
        1.5,
        (0.2, 0.5),
        "young",
        0.006,
        "weishang",
        entry_fee=(2, 8),
        fee_as_package=0.3,
        first_stock=(0, 10),
        head_levels=3,
        head_bonus=1.0,
        head_kinds=("recruitment", "other"),
        life_days=5_000,
    ),
    Recipe(
        "collapsing_scheme",
        True,
        0.08,
        30,
        1.2,
        (0.2, 0.5),
        "collapse",
        0.005,
        "mlm",
        entry_fee=(2, 10),
        first_stock=(5, 20),
        quota_days=(30, 30),
        quota_stock=(2, 6),
        head_levels=3,
        head_bonus=0.8,
        head_kinds=("recruitment",),
        life_days=60,
    ),
)

LOOKALIKES: tuple[Recipe, ...] = (
    Recipe(
        "independent_shop",
        False,
        0.58,
        1,
        3.0,
        (1.0, 1.0),
        "steady",
        0.08,
        repeat_share=0.55,
        refund_rate=0.05,
        life_days=700,
    ),
    Recipe(
        "influencer",
        False,
        0.07,
        8,
        1.3,
        (2.5, 5.0),
        "burst",
        0.05,
        root_retail=40,
        repeat_share=0.3,
        head_levels=1,
        head_bonus=0.3,
        life_days=600,
    ),
    Recipe(
        "wholesale_chain",
        False,
        0.09,
        10,
        1.4,
        (0.4, 0.8),
        "steady",
        0.12,
        "distributor",
        first_stock=(3, 8),
        quota_days=(14, 30),
        wholesale_buyers=0.05,
        life_days=1_200,
    ),
    Recipe(
        "affiliate_program",
        False,
        0.07,
        10,
        1.3,
        (0.8, 1.6),
        "burst",
        0.07,
        head_levels=1,
        head_bonus=0.2,
        head_kinds=("recruitment", "other"),
        retail_rate=0.1,
        life_days=500,
    ),
    Recipe(
        "direct_selling",
        False,
        0.08,
        15,
        1.3,
        (0.5, 1.0),
        "steady",
        0.09,
        "mlm",
        entry_fee=(0.5, 1.5),
        first_stock=(1, 3),
        quota_days=(30, 60),
        team_levels=3,
        team_rate=0.05,
        team_on_sales=True,
        retail_rate=0.2,
        weekly_share=0.6,
        life_days=500,
    ),
    Recipe(
        "franchise",
        False,
        0.05,
        5,
        1.6,
        (4.0, 8.0),
        "steady",
        0.3,
        "franchise",
        entry_fee=(40, 150),
        first_stock=(20, 60),
        supplier_root=1.0,
        quota_days=(10, 20),
        root_retail=0.2,
        life_days=2_000,
    ),
    Recipe(
        "group_buying",
        False,
        0.06,
        5,
        1.5,
        (1.0, 2.5),
        "steady",
        0.25,
        "group",
        repeat_share=0.7,
        head_levels=1,
        head_bonus=0.1,
        life_days=600,
    ),
)

FAMILIES: dict[str, Recipe] = {r.family: r for r in (*SCHEMES, *LOOKALIKES)}

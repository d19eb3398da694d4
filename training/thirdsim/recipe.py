"""One family of networks as data: how it grows, trades and pays (amounts in list prices)."""

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

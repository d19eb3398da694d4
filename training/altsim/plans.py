"""Compensation plans as explicit rules, one row per plan, stored column-wise.

A *plan* is what a network (or a branch that turned, see ``drift``) runs: who pays what to join,
where stock comes from, what each level of upline earns on a new member, a purchase or a
consumer sale, plus the behaviour its members show (how much they retail, recruit, quit).
Every account follows exactly one plan; the accounts of one plan are one *scope*, the unit the
legal labelling rule judges (``labels.py``). Rows are plain numpy columns so that the daily
loop indexes them by the plan id of thousands of agents at once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

LEVELS = 5  # declared agent levels a plan can sell (总代 ... 零售代理)
UPLINE = 10  # upline levels a plan can pay (and that the generator tracks per account)
KINDS = ("recruitment", "retail", "team", "other")  # the data contract's commission kinds
RECRUITMENT, RETAIL, TEAM, OTHER = range(4)
JOIN, PURCHASE, SALE = range(3)  # what triggers a payout: a new member, a stock purchase, a sale
TRIGGERS = ("join", "purchase", "sale")

# Declared level names a plan may use; the generator picks one set per plan.
NAME_SETS: tuple[tuple[str, ...], ...] = (
    ("", "", "", "", ""),
    ("总代", "一级代理", "二级代理", "三级代理", "零售代理"),
    ("diamond", "platinum", "gold", "silver", "member"),
    ("董事", "总监", "经理", "主管", "会员"),
    ("distributor", "sub-distributor", "dealer", "reseller", "retailer"),
    ("团长", "团长", "团员", "团员", "团员"),
)

SCALARS: dict[str, float] = {
    # identity and scope
    "network": -1,
    "family": -1,
    "scope_root": -1,  # the account at the top of the scope (organizer), set when it starts
    "scope_start": 0,  # day the plan starts applying (network birth, or the day a branch turns)
    # what joining costs
    "entry_fee": 0.0,  # money, per new member
    "fee_as_order": 0,  # 1: the fee is recorded as a "package" order bought from the root
    # where stock comes from and where it goes
    "stock_based": 1,  # members hold inventory (else they drop-ship, or the root fulfils)
    "supply_from_sponsor": 0,  # 1: buy from the sponsor (微商 chain), 0: from the company root
    "seller_is_root": 0,  # 1: consumer orders are the root's; the member earns a commission
    "quota_units": 0.0,  # units a member must buy every ``quota_days`` to stay qualified
    "quota_days": 30,
    "buyback": 0,  # 1: a member who quits returns unsold stock (last purchase refunded)
    # how the plan pays
    "retail_rate": 0.0,  # commission on the member's own consumer sales (or referred sales)
    "level_unlock": 0,  # 1: upline level k pays only if the payee has >= k direct recruits
    "binary_rate": 0.0,  # pairing bonus on the weaker of two legs' volume
    "binary_cap": 0.0,  # most pairing bonus per week (money)
    "matrix_width": 0,  # forced matrix: a cycle completes when width+...+width**depth join
    "matrix_depth": 0,
    "matrix_bonus": 0.0,  # money per completed cycle
    "pay_period": 1,  # days per commission statement (1 = a row per event, 7, 30)
    "kind_join": RECRUITMENT,  # the kind the platform reports for each trigger
    "kind_purchase": TEAM,
    "kind_sale": TEAM,
    "kind_matrix": RECRUITMENT,
    "name_set": 0,
    "level_by_tier": 0,  # 1: the declared level is the tier (distributor, sub-distributor...)
    # how members behave
    "retail_rate_mean": 0.05,  # genuine consumer orders per member-day
    "retail_sigma": 0.8,
    "pool_mean": 20.0,  # distinct consumers a member can reach
    "repeat_skew": 2.0,  # >1: a few consumers buy again and again
    "fake_rate_mean": 0.0,  # staged "consumer" orders (刷单) per member-day, few buyer ids
    "self_use_mean": 0.0,  # units per day a member consumes or hoards itself
    "root_retail": 1.0,  # the root's consumer orders relative to a member's (a brand's shop)
    "reorder_frac": 0.3,  # reorder when stock falls below this share of the last batch
    "batch_units": 10.0,  # units per reorder when batch_days is 0
    "batch_days": 0.0,  # > 0: a reorder covers this many days of the member's own sales
    "drive_sigma": 1.0,  # spread of recruiting drive (lognormal)
    "nonrecruiter_share": 0.5,  # members who never recruit
    "root_drive": 3.0,  # the root's drive relative to a typical member
    "max_recruiter_tier": 99,  # members deeper than this do not recruit
    "attach_gamma": 0.5,  # preferential attachment on direct recruits
    "recency_tau": 120.0,  # days: recent joiners recruit more when small
    "burst": 0.0,  # > 0: daily sales volume is gamma-overdispersed (group deals)
    "quit_base": 0.0015,  # daily hazard of quitting
    "loss_sens": 0.5,  # hazard multiplier per typical-order of net loss
    "collapse": 0,  # 1: members flee when recruitment dries up (schemes)
}
GRIDS: dict[str, int] = {
    "discount": LEVELS,  # wholesale discount off retail price, by declared level
    "starter": LEVELS,  # mandatory first stock order (units), by declared level
    "level_p": LEVELS,  # chance of joining at each declared level
    "join_rate": UPLINE,  # share of the pay-in (fee + starter) paid to upline level k
    "purchase_rate": UPLINE,  # share of a stock purchase paid to upline level k
    "sale_rate": UPLINE,  # share of a consumer sale paid to upline level k
    "head_bonus": UPLINE,  # fixed money per new member to upline level k (拉人头)
}


def grid_columns(prefix: str) -> list[str]:
    return [f"{prefix}_{k}" for k in range(GRIDS[prefix])]


class PlanTable:
    """All plans of a world; ``append`` returns the new plan ids."""

    def __init__(self) -> None:
        names = [*SCALARS, *[c for prefix in GRIDS for c in grid_columns(prefix)]]
        self.columns: dict[str, NDArray[np.float64]] = {n: np.zeros(0) for n in names}

    def __len__(self) -> int:
        return len(self.columns["network"])

    def append(self, rows: int, values: Mapping[str, object]) -> NDArray[np.int64]:
        """Add ``rows`` plans; a value is a scalar or one per row; unset columns take defaults."""
        unknown = set(values) - set(self.columns)
        if unknown:
            raise KeyError(f"unknown plan columns: {sorted(unknown)}")
        first = len(self)
        for name, value in complete(values, rows).items():
            self.columns[name] = np.concatenate([self.columns[name], value])
        return np.arange(first, first + rows)

    def col(self, name: str) -> NDArray[np.float64]:
        return self.columns[name]

    def grid(self, prefix: str) -> NDArray[np.float64]:
        """(plans, width) matrix of a per-level column family."""
        return np.column_stack([self.columns[c] for c in grid_columns(prefix)])

    def set(self, name: str, plan: int, value: float) -> None:
        self.columns[name][plan] = value


def complete(values: Mapping[str, object], rows: int) -> dict[str, NDArray[np.float64]]:
    """Every plan column for ``rows`` plans: the given values, defaults for the rest."""
    names = [*SCALARS, *[c for prefix in GRIDS for c in grid_columns(prefix)]]
    return {
        n: np.broadcast_to(np.asarray(values.get(n, SCALARS.get(n, 0.0)), float), (rows,)).copy()
        for n in names
    }


def rate_grid(prefix: str, rates: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """Plan columns ``prefix_k`` from a (rows, <= width) matrix of per-level values."""
    rates = np.atleast_2d(rates)
    return {f"{prefix}_{k}": rates[:, k] for k in range(min(rates.shape[1], GRIDS[prefix]))}

"""Geometry of the case page's pictures, drawn as inline SVG by the template (no script, no
CDN): the network as an icicle by tier, and the recruitment timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 640.0
ROW = 26.0
LABEL = 150.0  # left margin for the tier labels
TIMELINE_HEIGHT = 180.0


@dataclass(frozen=True)
class IcicleRow:
    """One tier: the bar of its accounts, the flagged part, and the case's accounts in it."""

    tier: int
    y: float
    width: float
    flagged_width: float
    accounts: int
    flagged: int
    in_case: int
    stock_down: float
    commissions_up: float


def icicle(tiers: Sequence[Mapping[str, Any]], case_tiers: Mapping[int, int]) -> list[IcicleRow]:
    """One row per tier, widths relative to the largest tier (tiers of 5,000 accounts and more
    stay readable: each tier is one summarised bar, never one box per account)."""
    widest = max((int(t["accounts"]) for t in tiers), default=1) or 1
    span = WIDTH - LABEL
    rows = []
    for index, tier in enumerate(tiers):
        accounts, flagged = int(tier["accounts"]), int(tier["flagged"])
        width = max(2.0, span * accounts / widest)
        rows.append(
            IcicleRow(
                tier=int(tier["tier"]),
                y=index * ROW,
                width=round(width, 1),
                flagged_width=round(width * flagged / accounts, 1) if accounts else 0.0,
                accounts=accounts,
                flagged=flagged,
                in_case=int(case_tiers.get(int(tier["tier"]), 0)),
                stock_down=float(tier.get("stock_pushed_down") or 0.0),
                commissions_up=float(tier.get("commissions_up") or 0.0),
            )
        )
    return rows


@dataclass(frozen=True)
class TimelineDot:
    account_id: str
    x: float
    y: float
    band: str
    days_ago: float


def timeline(points: Sequence[Any]) -> tuple[list[TimelineDot], float]:
    """Dots by join time (left: earliest) and tier (down: deeper); the span in days."""
    known = [p for p in points if p.joined_days_ago is not None]
    oldest = max((p.joined_days_ago for p in known), default=1.0) or 1.0
    deepest = max((p.tier or 0 for p in known), default=0) or 1
    span = WIDTH - 40.0
    dots = [
        TimelineDot(
            account_id=p.account_id,
            x=round(20.0 + span * (1 - p.joined_days_ago / oldest), 1),
            y=round(20.0 + (TIMELINE_HEIGHT - 40.0) * (p.tier or 0) / deepest, 1),
            band=p.band,
            days_ago=p.joined_days_ago,
        )
        for p in known
    ]
    return dots, oldest

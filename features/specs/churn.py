"""Specs of churn in the downline: who left, and who left holding unsold stock."""

from __future__ import annotations

from features.specs.base import FeatureSpec, feature, reason

CHURN: tuple[FeatureSpec, ...] = (
    feature(
        "downline_churn_share",
        "churn",
        "share",
        "higher",
        (
            "Share of its downline that had left by as_of; 0 without downline.",
            "截至评估时点已退出的下线占其下线的比例；无下线时为0。",
        ),
        reason("{value} of its downline has left", "其下线中已有{value}退出"),
    ),
    feature(
        "downline_left_with_stock_share",
        "churn",
        "share",
        "higher",
        (
            "Of its departed downline, the share who left having bought more units than they sold; "
            "0 when none left.",
            "已退出的下线中，进货件数多于售出件数（带着积压库存离开）者的比例；无人退出时为0。",
        ),
        reason(
            "{value} of its departed downline left holding unsold stock",
            "其已退出下线中有{value}手中积压着未售出的货",
        ),
    ),
)

SPECS: tuple[FeatureSpec, ...] = CHURN

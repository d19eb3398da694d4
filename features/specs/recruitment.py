"""Specs of the recruiting pace of the account and its downline (``signals.recruitment``)."""

from __future__ import annotations

from features.specs.base import FeatureSpec, feature, reason


def _recruits(days: int) -> FeatureSpec:
    return feature(
        f"recruits_{days}d",
        "recruitment",
        "count",
        "higher",
        (
            f"Direct recruits who joined in the {days} days up to as_of.",
            f"评估时点前{days}天内其直接发展的下线人数。",
        ),
        reason(
            f"It recruited {{value}} agents in the last {days} days",
            f"近{days}天其直接拉入下线{{value}}人",
        ),
        dtype="int64",
    )


RECRUITMENT: tuple[FeatureSpec, ...] = (
    _recruits(7),
    _recruits(30),
    _recruits(90),
    feature(
        "recruitment_acceleration",
        "recruitment",
        "count",
        "higher",
        (
            "Direct recruits in the last 30 days minus the monthly average of the 60 days before.",
            "近30天直接发展人数减去此前60天的月均发展人数。",
        ),
        reason("Its monthly recruiting rose by {value} agents", "其每月拉人头数量增加了{value}人"),
    ),
    feature(
        "peak_day_recruits",
        "recruitment",
        "count",
        "higher",
        (
            "Most direct recruits it brought in on one calendar day (UTC).",
            "其单日（UTC）直接发展下线的最多人数。",
        ),
        reason("It recruited {value} agents in a single day", "其单日最多拉入下线{value}人"),
        dtype="int64",
    ),
    feature(
        "days_to_first_recruit",
        "recruitment",
        "days",
        "lower",
        (
            "Days from joining to its first direct recruit; its age when it has none yet.",
            "从加入到发展第一个下线的天数；尚无下线时取其账户天数。",
        ),
        reason(
            "It recruited its first agent {value} days after joining",
            "其加入后第{value}天即发展了第一个下线",
        ),
    ),
    feature(
        "downline_recruits_90d",
        "recruitment",
        "count",
        "higher",
        (
            "Accounts that joined its downline in the 90 days up to as_of.",
            "评估时点前90天内新加入其下线的人数。",
        ),
        reason(
            "{value} accounts joined its downline in the last 90 days", "近90天其下线新增{value}人"
        ),
        dtype="int64",
    ),
    feature(
        "downline_growth_90d",
        "recruitment",
        "ratio",
        "higher",
        (
            "Downline joined in the last 90 days / downline size 90 days earlier (at least 1).",
            "近90天下线新增人数除以90天前的下线人数（不足1人按1计）。",
        ),
        reason(
            "In 90 days its downline grew by {value} times its earlier size",
            "近90天其下线新增人数达原有规模的{value}倍",
        ),
    ),
)

SPECS: tuple[FeatureSpec, ...] = RECRUITMENT

"""Specs of the account's identity, its place in the tree, and its recruiting pace."""

from __future__ import annotations

from features.signals.structure import LEGAL_TIER_CAP as CAP
from features.specs_base import FeatureSpec, feature

LEGIT_EN = " (legitimate sellers: median {reference})"
LEGIT_ZH = "（正常卖家中位数：{reference}）"


def reason(english: str, chinese: str) -> tuple[str, str]:
    """A reason template pair with the legitimate-population reference appended."""
    return english + LEGIT_EN, chinese + LEGIT_ZH


IDENTITY: tuple[FeatureSpec, ...] = (
    feature(
        "network_id",
        "identity",
        "count",
        "neutral",
        (
            "Root account id of the network (tree) the account belongs to.",
            "账户所属网络（推荐关系树）的根账户ID。",
        ),
        ("It belongs to network {value}.", "其所属网络：{value}。"),
        dtype="str",
        model_input=False,
    ),
    feature(
        "is_active",
        "identity",
        "count",
        "neutral",
        (
            "1 if the account had not left by as_of (leaving after as_of is still active), else 0.",
            "截至评估时点尚未退出为1，否则为0（评估时点之后才退出的仍视为在营）。",
        ),
        reason("Active at the assessment time: {value}", "评估时点是否在营：{value}"),
        dtype="int64",
    ),
    feature(
        "account_age_days",
        "identity",
        "days",
        "neutral",
        ("Days from joining to as_of.", "从加入平台到评估时点的天数。"),
        reason("It joined {value} days ago", "其加入平台已{value}天"),
    ),
)

STRUCTURE: tuple[FeatureSpec, ...] = (
    feature(
        "tier",
        "structure",
        "tier",
        "higher",
        (
            "Sponsor links from the root of its network (the root is tier 0).",
            "距所在网络顶端（根账户）的推荐层级数，根账户为第0层。",
        ),
        reason(
            "It sits {value} tiers below the top of its network",
            "其位于所在网络顶端之下第{value}层",
        ),
        dtype="int64",
        model_input=False,
    ),
    feature(
        "direct_recruits",
        "structure",
        "count",
        "higher",
        (
            "Accounts it recruited directly (its first-level downline).",
            "其直接推荐发展的下线人数（一级下线）。",
        ),
        reason("It recruited {value} agents directly", "其直接发展下线{value}人"),
        dtype="int64",
    ),
    feature(
        "downline_size",
        "structure",
        "count",
        "higher",
        ("All accounts below it in its tree, every tier.", "其全部下线人数（各层合计）。"),
        reason("Its downline has {value} accounts across all tiers", "其各层下线合计{value}人"),
        dtype="int64",
    ),
    feature(
        "downline_depth",
        "structure",
        "tier",
        "higher",
        (
            "Tiers of downline below it (0 when it has no recruits).",
            "其下线向下延伸的层级数（无下线为0）。",
        ),
        reason("Its downline reaches {value} tiers below it", "其下线向下延伸{value}层"),
        dtype="int64",
        model_input=False,
    ),
    feature(
        "mean_downline_fanout",
        "structure",
        "ratio",
        "higher",
        (
            "Average direct recruits per recruiting account in its team (itself and its downline).",
            "其团队（本人及下线）中有下线的成员平均直接发展的人数。",
        ),
        reason(
            "Each recruiter in its team brings in {value} agents on average",
            "其团队中每名发展下线的成员平均拉入{value}人",
        ),
    ),
    feature(
        "network_size",
        "structure",
        "count",
        "higher",
        ("Accounts in its whole network, root included.", "所在整个网络的参与人数（含根账户）。"),
        reason("Its network has {value} participants", "所在网络共有{value}名参与者"),
        dtype="int64",
    ),
    feature(
        "network_depth",
        "structure",
        "tier",
        "higher",
        (
            "Deepest tier in its network; the network has network_depth + 1 tiers (3 tiers = 2).",
            "所在网络的最深层级；网络层级数 = network_depth + 1（3层对应2）。",
        ),
        reason("Its network is {value} sponsor links deep", "所在网络的推荐链条向下深达{value}层"),
        dtype="int64",
        model_input=False,
    ),
    # The model sees depth only up to what the law names (三级以上: three levels below the top
    # covers either count, with or without the organizer): lawful distributors and direct
    # sellers are deep too, and raw depth taught it that deeper is guiltier
    # (docs/model_robustness.md, "Session 2: depth capped"). The raw columns above stay for the
    # console, reports and rules.
    feature(
        "tier_capped",
        "structure",
        "tier",
        "higher",
        (
            f"tier counted up to {CAP}: {CAP} means {CAP} or more levels below the top of its "
            "network (the law names three tiers or more).",
            f"层级最多计到{CAP}：{CAP}表示位于网络顶端之下{CAP}层或更深（法律所称“三级以上”）。",
        ),
        reason(
            "It sits at least {value} tiers below the top of its network",
            "其位于所在网络顶端之下至少第{value}层",
        ),
        dtype="int64",
    ),
    feature(
        "downline_depth_capped",
        "structure",
        "tier",
        "higher",
        (
            f"downline_depth counted up to {CAP}: whether its own downline spans {CAP} tiers or "
            "more.",
            f"下线层级数最多计到{CAP}：{CAP}表示其下线有{CAP}层或更多。",
        ),
        reason(
            "Its downline reaches at least {value} tiers below it", "其下线向下延伸至少{value}层"
        ),
        dtype="int64",
    ),
    feature(
        "network_depth_capped",
        "structure",
        "tier",
        "higher",
        (
            f"network_depth counted up to {CAP}: {CAP} means its network reaches {CAP} or more "
            "levels below its top.",
            f"网络最深层级最多计到{CAP}：{CAP}表示所在网络向下有{CAP}层或更多。",
        ),
        reason(
            "Its network is at least {value} sponsor links deep",
            "所在网络的推荐链条向下至少深达{value}层",
        ),
        dtype="int64",
    ),
)


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

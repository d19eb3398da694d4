"""Specs of the account's identity and its place in the tree (columns of ``signals.structure``)."""

from __future__ import annotations

from features.signals.structure import LEGAL_TIER_CAP as CAP
from features.specs.base import FeatureSpec, feature, reason

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

SPECS: tuple[FeatureSpec, ...] = (*IDENTITY, *STRUCTURE)

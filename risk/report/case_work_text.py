"""The case-work section of the report for people (HTML and PDF): the DSA Art. 15 figures of
``case_work.json`` as labelled lines, English or Chinese. One builder, both renderers."""

from __future__ import annotations

from typing import Any

from risk.report.i18n import BAND_NAMES
from risk.vocab import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "heading": {
        "en": "Case work and enforcement (DSA Art. 15)",
        "zh": "案件处理与处置措施（DSA 第15条）",
    },
    "actions": {"en": "Enforcement actions taken", "zh": "已采取的处置措施"},
    "action_ground": {"en": "{action}, {ground}", "zh": "{action}，{ground}"},
    "network_wide": {"en": "Network-wide actions", "zh": "针对整个网络的措施"},
    "approved": {"en": "Approved by a second reviewer", "zh": "经第二审核人批准"},
    "flag_to_action": {"en": "Median time from flag to action", "zh": "从标记到处置的中位时间"},
    "cases_decided": {"en": "Cases decided", "zh": "已决定的案件"},
    "detected": {"en": "Detected by automated means", "zh": "经自动化手段发现"},
    "by_hand": {"en": "Opened by a moderator", "zh": "由审核员立案"},
    "decided_auto": {"en": "Decided by automated means", "zh": "经自动化手段决定"},
    "decided_people": {"en": "Decided by people", "zh": "由人工决定"},
    "sla_due": {"en": "Cases due in the period", "zh": "本期到期的案件"},
    "sla_breaches": {
        "en": "SLA breaches (not decided by the due time)",
        "zh": "超出处理时限（SLA）的案件",
    },
    "sla_priority": {
        "en": "SLA breaches, {priority} priority",
        "zh": "超出处理时限，优先级：{priority}",
    },
    "of": {"en": "{part:,} of {whole:,}", "zh": "{whole:,} 件中 {part:,} 件"},
    "appeals": {"en": "Appeals received", "zh": "收到的申诉"},
    "upheld": {"en": "Appeals upheld", "zh": "维持原处置的申诉"},
    "overturned": {"en": "Appeals overturned", "zh": "撤销原处置的申诉"},
    "pending": {"en": "Appeals pending", "zh": "待处理的申诉"},
    "appeal_time": {"en": "Median time to decide an appeal", "zh": "申诉处理的中位时间"},
    "qa": {"en": "Reviewer agreement (blind QA sample)", "zh": "审核一致率（盲审抽样）"},
    "qa_value": {
        "en": "{share} over {accounts:,} accounts in {reviews:,} reviews",
        "zh": "{reviews:,} 次复核、{accounts:,} 个账户，一致率 {share}",
    },
    "hours": {"en": "{hours:,.1f} h", "zh": "{hours:,.1f} 小时"},
    "no_value": {"en": "–", "zh": "–"},
    "illegal": {"en": "illegal under the law", "zh": "违反法律"},
    "terms": {"en": "against the platform's terms", "zh": "违反平台规则"},
    "warn": {"en": "warning", "zh": "警告"},
    "restrict_recruiting": {"en": "recruiting restricted", "zh": "限制招募"},
    "hold_payouts": {"en": "payouts held", "zh": "冻结佣金"},
    "suspend": {"en": "account suspended", "zh": "暂停账户"},
    "terminate": {"en": "account terminated", "zh": "关闭账户"},
    "refer": {"en": "referred to the authorities", "zh": "移送主管机关"},
}


def _w(key: str, lang: Lang) -> str:
    return WORDS.get(key, {}).get(lang, key)


def _hours(value: float | None, lang: Lang) -> str:
    return _w("no_value", lang) if value is None else _w("hours", lang).format(hours=value)


def _actions(figures: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    rows = [(_w("actions", lang), f"{figures['total']:,}")]
    rows += [
        (
            "  "
            + _w("action_ground", lang).format(
                action=_w(item["action"], lang), ground=_w(item["ground_kind"], lang)
            ),
            f"{item['count']:,}",
        )
        for item in figures["by_type_and_ground"]
    ]
    return [
        *rows,
        (_w("network_wide", lang), f"{figures['network_wide']:,}"),
        (_w("approved", lang), f"{figures['approved_by_second_reviewer']:,}"),
        (_w("flag_to_action", lang), _hours(figures["median_hours_flag_to_action"], lang)),
    ]


def _sla(figures: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    of = _w("of", lang)
    rows = [
        (_w("sla_due", lang), f"{figures['cases_due']:,}"),
        (_w("sla_breaches", lang), of.format(part=figures["breaches"], whole=figures["cases_due"])),
    ]
    return rows + [
        (
            "  "
            + _w("sla_priority", lang).format(
                priority=BAND_NAMES.get(priority, {}).get(lang, priority)
            ),
            of.format(part=slot["breached"], whole=slot["due"]),
        )
        for priority, slot in figures["by_priority"].items()
        if slot["due"]
    ]


def _appeals(figures: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    counts = [
        ("appeals", "received"),
        ("upheld", "upheld"),
        ("overturned", "overturned"),
        ("pending", "pending"),
    ]
    rows = [(_w(label, lang), f"{figures[key]:,}") for label, key in counts]
    return [*rows, (_w("appeal_time", lang), _hours(figures["median_hours_to_decide"], lang))]


def _agreement(figures: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    share = figures["agreement"]
    if share is None:
        return [(_w("qa", lang), _w("no_value", lang))]
    text = _w("qa_value", lang).format(
        share=f"{share:.1%}", accounts=figures["accounts_compared"], reviews=figures["reviews"]
    )
    return [(_w("qa", lang), text)]


def case_work_lines(case_work: dict[str, Any] | None, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) lines of the period's case-work figures; none without case work."""
    if case_work is None:
        return []
    figures = case_work["figures"]
    d = figures["decisions"]
    decided = [
        (_w("cases_decided", lang), f"{d['cases_decided']:,}"),
        (_w("detected", lang), f"{d['detected_by_automated_means']:,}"),
        (_w("by_hand", lang), f"{d['opened_by_a_moderator']:,}"),
        (_w("decided_auto", lang), f"{d['decided_by_automated_means']:,}"),
        (_w("decided_people", lang), f"{d['decided_by_people']:,}"),
    ]
    return [
        *_actions(figures["actions"], lang),
        *decided,
        *_sla(figures["sla"], lang),
        *_appeals(figures["appeals"], lang),
        *_agreement(figures["reviewer_agreement"], lang),
    ]


def case_work_heading(lang: Lang) -> str:
    """The section's title."""
    return _w("heading", lang)

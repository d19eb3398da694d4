"""The report's champion-vs-challenger section: what would change if the challenger replaced
the model in service (accounts that change band, and between which bands), how each model agrees
with the decisions made since the run, precision at k on decided accounts, and every promotion
on record (who, what, the previous champion, why) from the audit log.

The figures are ``risk.service.shadow.compare_models``'s (the API, CLI and console show the
same), on the report's run when it was shadow-scored, else on the newest shadowed run (named in
the section). Promoters appear under the report's reviewer pseudonyms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from features.utc import utc_iso
from risk.errors import RunNotFoundError
from risk.report.i18n import BAND_NAMES
from risk.service.shadow import compare_models
from risk.store.audit import list_audit
from risk.vocab import BAND_NAMES as BAND_ORDER
from risk.vocab import Lang

PROMOTE_ACTION = "model.promote"
# Promotions are rare (a few a year); more than this in one report would be a different problem.
PROMOTIONS_SHOWN = 1_000

WORDS: dict[str, dict[Lang, str]] = {
    "title": {"en": "Champion and challenger models", "zh": "现行模型与候选模型对比"},
    "note": {
        "en": (
            "The challenger scored scoring run {run} (data as of {as_of}) in the shadow: "
            "moderators saw only the champion's scores. A challenger serves only after a person "
            "promotes it, with this comparison attached."
        ),
        "zh": (
            "候选模型对评分批次 {run}（数据截止 {as_of}）进行了影子评分："
            "审核员只看到现行模型的评分。候选模型须经人工晋升（附本对比）后方可启用。"
        ),
    },
    "none": {"en": "No shadow run has been compared yet.", "zh": "尚无影子评分对比。"},
    "figure": {"en": "Figure", "zh": "指标"},
    "champion": {"en": "Champion (in service)", "zh": "现行模型（在用）"},
    "challenger": {"en": "Challenger (shadow)", "zh": "候选模型（影子评分）"},
    "accounts": {"en": "Accounts compared", "zh": "对比账户数"},
    "changed": {"en": "Accounts that change band", "zh": "风险等级发生变化的账户"},
    "flagged": {"en": "Accounts flagged (high or critical)", "zh": "被标记账户（高及极高风险）"},
    "agreement": {
        "en": "Agreement with decisions made since the run ({n} accounts)",
        "zh": "与该批次之后处置结果的一致率（{n} 个账户）",
    },
    "precision": {
        "en": "Precision among the top {k} decided accounts",
        "zh": "已处置账户中评分前 {k} 名的精确率",
    },
    "changes": {"en": "Band changes", "zh": "风险等级变化"},
    "from_band": {"en": "Champion's band", "zh": "现行模型等级"},
    "to_band": {"en": "Challenger's band", "zh": "候选模型等级"},
    "promotions": {"en": "Promotions (audit log)", "zh": "模型晋升记录（审计日志）"},
    "no_promotions": {"en": "No promotion on record.", "zh": "暂无晋升记录。"},
    "at": {"en": "When (UTC)", "zh": "时间（UTC）"},
    "by": {"en": "Promoted by", "zh": "操作人"},
    "model": {"en": "Model promoted", "zh": "晋升的模型"},
    "previous": {"en": "Previous champion", "zh": "原现行模型"},
    "reason": {"en": "Why", "zh": "理由"},
}


def words(lang: Lang) -> dict[str, str]:
    """The section's fixed words in ``lang``."""
    return {key: text[lang] for key, text in WORDS.items()}


def _comparison(engine: Engine, run_id: str) -> dict[str, Any] | None:
    """The comparison on the report's run, else on the newest shadowed run (None: none)."""
    for chosen in (run_id, None):
        try:
            return compare_models(engine=engine, run_id=chosen).to_dict()
        except RunNotFoundError:
            continue
    return None


def _band_changes(comparison: dict[str, Any], lang: Lang) -> list[dict[str, Any]]:
    """Accounts per (champion band, challenger band) that differ, riskiest champion band first."""
    rows = []
    for before in reversed(BAND_ORDER):
        for after in reversed(BAND_ORDER):
            count = comparison["band_changes"].get(before, {}).get(after, 0)
            if before != after and count:
                rows.append(
                    {"from": BAND_NAMES[before][lang], "to": BAND_NAMES[after][lang], "n": count}
                )
    return rows


def _promotions(
    engine: Engine, until: datetime | None, alias: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Every promotion on record up to ``until``, oldest first."""
    entries = list_audit(engine, limit=PROMOTIONS_SHOWN, action=PROMOTE_ACTION)
    return [
        {
            "at": utc_iso(entry.at),
            "by": alias(entry.actor),
            "model": entry.target,
            "previous": (entry.details or {}).get("previous_champion"),
            "reason": (entry.details or {}).get("reason"),
        }
        for entry in reversed(entries)
        if until is None or entry.at < until
    ]


def champion_section(
    engine: Engine,
    *,
    run_id: str,
    lang: Lang,
    until: datetime | None,
    alias: Callable[[str], str],
) -> dict[str, Any] | None:
    """The section's figures and rows in ``lang``; None when there is neither a shadow run nor
    a promotion (nothing to show: the section is left out)."""
    comparison = _comparison(engine, run_id)
    promotions = _promotions(engine, until, alias)
    if comparison is None and not promotions:
        return None
    return {
        "comparison": comparison,
        "band_changes": [] if comparison is None else _band_changes(comparison, lang),
        "promotions": promotions,
    }


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def figure_rows(section: dict[str, Any], lang: Lang) -> list[tuple[str, str, str]]:
    """(figure, champion, challenger) rows of the comparison, worded and formatted."""
    c, w = section["comparison"], words(lang)
    if c is None:
        return []
    return [
        (w["accounts"], f"{c['accounts']:,}", f"{c['accounts']:,}"),
        (w["changed"], "", f"{c['changed_band']:,}"),
        (w["flagged"], f"{c['flagged']['champion']:,}", f"{c['flagged']['challenger']:,}"),
        (
            w["agreement"].format(n=f"{c['decisions_since']:,}"),
            _share(c["agreement"]["champion"]),
            _share(c["agreement"]["challenger"]),
        ),
        (
            w["precision"].format(k=c["k"]),
            _share(c["precision_at_k"]["champion"]),
            _share(c["precision_at_k"]["challenger"]),
        ),
    ]


def intro(section: dict[str, Any], lang: Lang) -> str:
    """The sentence above the figures: which run, and what a shadow run is."""
    c, w = section["comparison"], words(lang)
    if c is None:
        return w["none"]
    return w["note"].format(run=c["run_id"], as_of=c["as_of"])


def pdf_flowables(d: Any, section: dict[str, Any] | None) -> list[Any]:
    """The section for the PDF (``d``: ``render_pdf._Doc``); nothing when there is none."""
    if section is None:
        return []
    w, c = words(d.lang), section["comparison"]
    story = [d.p(w["title"], "h2"), d.p(intro(section, d.lang), "note")]
    if c is not None:
        head = [d.p(w["figure"]), d.p(f"{w['champion']} {c['champion']}"),
                d.p(f"{w['challenger']} {c['challenger']}")]  # fmt: skip
        rows = [[d.p(a), d.p(b, "num"), d.p(x, "num")] for a, b, x in figure_rows(section, d.lang)]
        story.append(d.table([head, *rows], [4, 1.5, 1.5], numeric_from=1))
    if section["band_changes"]:
        changes = [[d.p(w["from_band"]), d.p(w["to_band"]), d.p(w["accounts"])]]
        changes += [[d.p(r["from"]), d.p(r["to"]), d.p(f"{r['n']:,}", "num")]
                    for r in section["band_changes"]]  # fmt: skip
        story += [d.p(w["changes"], "h2"), d.table(changes, [2, 2, 1], numeric_from=2)]
    story.append(d.p(w["promotions"], "h2"))
    if not section["promotions"]:
        return [*story, d.p(w["no_promotions"], "base")]
    keys = ("at", "by", "model", "previous", "reason")
    promoted = [[d.p(w[k]) for k in keys]]
    promoted += [[d.p(p[k] if p[k] is not None else "–") for k in keys]
                 for p in section["promotions"]]  # fmt: skip
    return [*story, d.table(promoted, [2, 1.2, 1.5, 1.2, 4])]

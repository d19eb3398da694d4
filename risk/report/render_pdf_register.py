"""The PDF's landscape pages: the case register; then the appendix and the document itself."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from risk.report.content import ReportContent
from risk.report.pdf_styles import BAND_COLOURS, FONT, register_font
from risk.report.render_pdf import (
    REASONS_IN_PDF,
    _charts,
    _cover,
    _Doc,
    _model_card,
    _num,
    _summary,
)

REGISTER_WIDTHS = [0.5, 0.95, 0.55, 0.55, 1.1, 3.9, 2.0, 0.6, 0.85, 1.15, 1.3]


def _register_row(d: _Doc, case: Mapping[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    colour = BAND_COLOURS.get(str(case["band"]), "#1c2833")
    band = Paragraph(f'<font color="{colour}">{case["band_label"] or "–"}</font>', d.s["cell"])
    reasons = case["reasons"][:REASONS_IN_PDF]
    reason_text = "<br/>".join(
        f"• {d.p(r['text']).text}"
        for r in reasons  # escaped by d.p
    )
    rules = ", ".join(i["rule_id"] for i in case["indicators"])
    network = f"{case['network_id'] or '–'} / {_num(case['tier'], '{}')}"
    decided = (case["decided_at"] or "–").replace("T", " ")[:16]
    return [
        d.p(_num(case["rank"], "{}"), "num"),
        d.p(case["account_id"]),
        d.p(_num(case["score"], "{:.3f}"), "num"),
        band,
        d.p(network, "small"),
        Paragraph(reason_text or "–", d.s["small"]),
        d.p(rules or "–", "small"),
        d.p(case["decision_label"]),
        d.p(case["reviewer"] or "–", "small"),
        d.p(decided, "small"),
        d.p(case["action"], "small"),
    ]


def _register(d: _Doc) -> list[Any]:
    from reportlab.platypus import LongTable, NextPageTemplate, PageBreak

    from risk.report.pdf_styles import table_style

    t = d.t
    head_keys = ("rank", "account", "score", "band", "network", "reasons", "indicators",
                 "decision", "reviewer", "decided_at", "action")  # fmt: skip
    header = [d.p(t[k]) for k in head_keys]
    header[4] = d.p(f"{t['network']} / {t['tier']}")
    rows = [header] + [_register_row(d, case) for case in d.c["case_register"]]
    total = sum(REGISTER_WIDTHS)
    widths = [w * d.landscape_width / total for w in REGISTER_WIDTHS]
    table = LongTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(numeric_from=None))
    note = f"{t['case_register_note']} {t['pdf_register_note']}"
    return [
        NextPageTemplate("landscape"),
        PageBreak(),
        d.p(f"{t['case_register']} ({len(rows) - 1})", "h1"),
        d.p(note, "note"),
        table,
        NextPageTemplate("portrait"),
        PageBreak(),
    ]


def _appendix(d: _Doc) -> list[Any]:
    a, t = d.c["appendix"], d.t
    citations = [[d.p(t["rule"]), d.p(t["jurisdiction"]), d.p(t["title_col"]), d.p(t["citation"])]]
    citations += [
        [d.p(r["rule_id"], "small"), d.p(r["jurisdiction"], "small"),
         d.p(f"{r['title_en']} / {r['title_zh']}", "small"), d.p(r["citation"], "small")]
        for r in a["citations"]
    ]  # fmt: skip
    glossary = [[d.p("English"), d.p("中文"), d.p("Definition"), d.p("定义")]] + [
        [d.p(g["term_en"]), d.p(g["term_zh"]), d.p(g["definition_en"], "small"),
         d.p(g["definition_zh"], "small")]
        for g in a["glossary"]
    ]  # fmt: skip
    return [
        d.p(t["appendix"], "h1"),
        d.p(t["methodology"], "h2"),
        *[d.p(f"{i}. {item}", "base") for i, item in enumerate(a["methodology"], 1)],
        d.p(t["citation_table"], "h2"),
        d.table(citations, [1.7, 0.7, 2.4, 4.2]),
        d.p(f"{t['glossary']} / Glossary / 术语表", "h2"),
        d.table(glossary, [1.2, 1, 3, 3]),
    ]


def _page_decorator(d: _Doc) -> Any:
    """Footer on every page: platform, run id, page number."""

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColorRGB(0.35, 0.4, 0.45)
        width = canvas._pagesize[0]
        meta = d.c["meta"]
        canvas.drawString(30, 18, f"{meta['platform_name']} · {d.t['run_id']} {meta['run']['id']}")
        canvas.drawRightString(width - 30, 18, f"{d.t['title']} · {doc.page}")
        canvas.restoreState()

    return draw


def render_pdf(
    content: ReportContent, charts: Mapping[str, bytes], *, key_fingerprint: str
) -> bytes:
    """``report.pdf``: cover, summary, charts, model card, case register, appendix."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    register_font()
    d = _Doc(content)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{d.t['title']} — {content.meta['platform_name']}",
        author=content.meta["platform_name"],
        subject=f"scoring run {content.meta['run']['id']}",
        creator="mlm-risk",
        invariant=1,  # fixed creation date and document id: same content, same bytes
    )
    footer = _page_decorator(d)
    portrait = Frame(42, 36, A4[0] - 84, A4[1] - 72, id="portrait")
    wide = landscape(A4)
    landscape_frame = Frame(30, 32, wide[0] - 60, wide[1] - 62, id="landscape")
    doc.addPageTemplates(
        [
            PageTemplate("portrait", [portrait], onPage=footer, pagesize=A4),
            PageTemplate("landscape", [landscape_frame], onPage=footer, pagesize=wide),
        ]
    )
    story = [
        *_cover(d, key_fingerprint),
        *_summary(d, charts),
        *_charts(d, charts),
        *_model_card(d),
        *_register(d),
        *_appendix(d),
    ]
    doc.build(story)
    return buffer.getvalue()

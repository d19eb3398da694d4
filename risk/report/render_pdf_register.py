"""The PDF's landscape pages: the case register; then the appendix and the document itself."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

from risk.report.case_work_text import case_work_heading, case_work_lines
from risk.report.champion import pdf_flowables
from risk.report.content import ReportContent
from risk.report.pdf_register import register_tables
from risk.report.pdf_styles import FONT, register_font
from risk.report.render_pdf import _charts, _cover, _Doc, _model_card, _summary

LANDSCAPE_MARGINS = (30.0, 32.0, 30.0, 30.0)  # left, bottom, right, top


def creation_epoch(generated_at: str) -> float:
    """The PDF's creation date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else when
    the report was generated (part of its content: the same report, the same bytes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return float(int(epoch))
    return datetime.fromisoformat(generated_at.replace("Z", "+00:00")).timestamp()


class _DatedCanvas(Canvas):
    """A canvas whose document carries ``created`` (UTC) as its creation and modification
    date; the rest stays invariant (fixed document id, no timestamps in comments)."""

    def __init__(self, *args: Any, created: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stamp = TimeStamp(invariant=1)
        stamp.t, stamp.lt = created, time.gmtime(created)
        stamp.YMDhms = tuple(stamp.lt)[:6]
        self._doc._timeStamp = stamp


def _landscape_frame_size() -> tuple[float, float]:
    left, bottom, right, top = LANDSCAPE_MARGINS
    wide = landscape(A4)
    return wide[0] - left - right, wide[1] - bottom - top


def _register(d: _Doc) -> list[Any]:
    t, cases = d.t, d.c["case_register"]
    rule_ids = [r["rule_id"] for r in d.c["appendix"]["citations"]]
    key = " · ".join(f"{i} = {rule}" for i, rule in enumerate(rule_ids, 1))
    heading = [
        d.p(f"{t['case_register']} ({len(cases):,})", "h1"),
        d.p(f"{t['case_register_note']} {t['pdf_register_note']}", "note"),
        d.p(f"{t['indicator_key']}: {key}", "note"),
    ]
    width, height = _landscape_frame_size()
    used = [(f.wrap(width, height)[1], f.getSpaceBefore(), f.getSpaceAfter()) for f in heading]
    # The frame drops the first flowable's space before; each later one adds its own.
    heading_height = sum(h + after for h, _, after in used) + sum(b for _, b, _ in used[1:])

    def page_key() -> Any:
        return d.p(f"{t['indicator_key']}: {key}", "note")

    # First on its page: the frame drops its space before; its space after stays.
    key_height = page_key().wrap(width, height)[1] + page_key().getSpaceAfter()
    tables = register_tables(
        cases,
        t=t,
        rule_ids=rule_ids,
        frame_height=height,
        heading_height=heading_height,
        page_key=page_key,
        page_key_height=key_height,
    )
    return [
        NextPageTemplate("landscape"),
        PageBreak(),
        *heading,
        *tables,
        NextPageTemplate("portrait"),
        PageBreak(),
    ]


def _case_work(d: _Doc, content: ReportContent) -> list[Any]:
    """The period's case-work figures (DSA Art. 15), after the register; none without them."""
    lines = case_work_lines(content.case_work, d.lang)
    if not lines:
        return []
    rows = [[d.p(label), d.p(value)] for label, value in lines]
    return [d.p(case_work_heading(d.lang), "h1"), d.table(rows, [3, 2])]


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
        invariant=1,  # fixed document id: same content, same bytes (the date: _DatedCanvas)
        initialFontName=FONT,  # never reportlab's default Helvetica, which it cannot embed
    )
    footer = _page_decorator(d)
    portrait = Frame(42, 36, A4[0] - 84, A4[1] - 72, id="portrait")
    wide = landscape(A4)
    width, height = _landscape_frame_size()
    # No frame padding: the register's page tables are sized to the frame's exact height.
    landscape_frame = Frame(
        LANDSCAPE_MARGINS[0], LANDSCAPE_MARGINS[1], width, height, id="landscape",
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
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
        *pdf_flowables(d, content.champion),
        *_register(d),
        *_case_work(d, content),
        *_appendix(d),
    ]
    created = creation_epoch(content.meta["generated_at"])
    doc.build(story, canvasmaker=partial(_DatedCanvas, created=created))
    return buffer.getvalue()

"""Fonts, paragraph styles and table styles of the PDF (one CJK font for every script)."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

from risk.report.fonts import cjk_font_path
from risk.vocab import Lang

FONT = "WQY"
NAVY = "#1f3a5f"
GRID = "#c8d0d8"
HEAD_BG = "#eef2f6"
BAND_COLOURS = {"low": "#3d7a3d", "medium": "#9a7400", "high": "#d35400", "critical": "#c0392b"}


def register_font() -> str:
    """Register the installed CJK TrueType collection with reportlab (once per process)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(cjk_font_path()), subfontIndex=0))
    return FONT


def styles(lang: Lang) -> dict[str, Any]:
    """Paragraph styles; Chinese text wraps between any two characters (CJK word wrap)."""
    wrap = "CJK" if lang == "zh" else None
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.5, wordWrap=wrap)
    navy = colors.HexColor(NAVY)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontSize=22, leading=28, textColor=navy,
                                spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=13, leading=18,
                                   textColor=colors.HexColor("#566573"), spaceAfter=18),
        "h1": ParagraphStyle("h1", base, fontSize=15, leading=20, textColor=navy,
                             spaceBefore=6, spaceAfter=8),
        "h2": ParagraphStyle("h2", base, fontSize=11.5, leading=15, textColor=navy,
                             spaceBefore=10, spaceAfter=4),
        "note": ParagraphStyle("note", base, fontSize=8, leading=11,
                               textColor=colors.HexColor("#566573"), spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.5),
        "num": ParagraphStyle("num", base, fontSize=7.5, leading=9.5, alignment=2),
        "small": ParagraphStyle("small", base, fontSize=6.8, leading=8.6),
        "mono": ParagraphStyle("mono", base, fontSize=8.5, leading=11, wordWrap="CJK"),
    }  # fmt: skip


def table_style(*, numeric_from: int | None = None, header: bool = True) -> Any:
    """Grid, header shading, top alignment; numeric columns right-aligned."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)))
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    return TableStyle(commands)

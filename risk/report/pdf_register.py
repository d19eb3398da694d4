"""The PDF case register: every case on a fixed-height row of plain text, one table per page.

Paragraph cells cost a line-break search per cell and make reportlab re-measure the remaining
rows at every page split; with thousands of cases that took minutes. Here each cell is a
string already fitted to its column (two lines at most), so a page is one cheap ``Table``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Table, TableStyle

from risk.report.pdf_styles import BAND_COLOURS, FONT, GRID, HEAD_BG
from risk.service.accounts import score_text

FONT_SIZE = 6.8
LEADING = 8.2
PADDING = 2.2
LINES = 2
ROW_HEIGHT = LINES * LEADING + 2 * PADDING
ELLIPSIS = "…"
# Characters inside a printed number (3,108.95, 85%): a cut never falls between two of them.
NUMBER_CHARS = frozenset("0123456789.,%")

# (label key, width in points, right-aligned); the widths sum to the landscape frame width.
COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("rank", 26, True),
    ("account", 42, False),
    ("score", 27, True),
    ("band", 32, False),
    ("role", 40, False),
    ("network", 50, False),
    ("reasons", 234, False),
    ("indicators", 80, False),
    ("decision", 38, False),
    ("reviewer", 46, False),
    ("decided_at", 40, False),
    ("action", 126.89, False),
)
BAND_COLUMN = 3


@lru_cache(maxsize=65536)
def _width(text: str) -> float:
    return float(stringWidth(text, FONT, FONT_SIZE))


def fit(text: str, width: float) -> str:
    """``text`` on one line of ``width`` points, cut with an ellipsis when it is too long."""
    room = width - 2 * PADDING
    if _width(text) <= room:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis: binary search
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + ELLIPSIS) <= room:
            low = middle
        else:
            high = middle - 1
    return text[: whole_numbers(text, low)].rstrip() + ELLIPSIS


def whole_numbers(text: str, cut: int) -> int:
    """``cut`` moved back to the start of the number it falls in ("3,1…" would misread)."""
    while 0 < cut < len(text) and text[cut - 1] in NUMBER_CHARS and text[cut] in NUMBER_CHARS:
        cut -= 1
    return cut


@lru_cache(maxsize=4096)
def wrap(text: str, width: float, lines: int = LINES) -> str:
    """``text`` broken at spaces into at most ``lines`` lines ("\\n"), the last one fitted."""
    parts = simpleSplit(text, FONT, FONT_SIZE, width - 2 * PADDING) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], " ".join(parts[lines - 1 :])]
    return "\n".join(fit(part, width) for part in parts)


def rule_ranges(numbers: Sequence[int]) -> str:
    """Sorted rule numbers with runs shortened: [1, 2, 3, 5] -> "1–3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _cells(case: Mapping[str, Any], number: Mapping[str, int]) -> list[str]:
    """One register row as fitted strings (column order of ``COLUMNS``)."""
    widths = [w for _, w, _ in COLUMNS]
    reasons = [fit(f"• {r['text']}", widths[6]) for r in case["reasons"][:LINES]]
    rules = rule_ranges(
        [number[i["rule_id"]] for i in case["indicators"] if i["rule_id"] in number]
    )
    decided = case["decided_at"] or "–"
    tier = "–" if case["tier"] is None else str(case["tier"])
    return [
        "–" if case["rank"] is None else str(case["rank"]),
        fit(str(case["account_id"]), widths[1]),
        "–" if case["score"] is None else score_text(case["score"]),
        fit(case["band_label"] or "–", widths[3]),
        fit(case.get("role_label") or "–", widths[4]),
        wrap(f"{case['network_id'] or '–'} / {tier}", widths[5]),
        "\n".join(reasons) or "–",
        wrap(rules or "–", widths[7]),
        wrap(case["decision_label"], widths[8]),
        fit(case["reviewer"] or "–", widths[9]),
        "–" if decided == "–" else f"{decided[:10]}\n{decided[11:16]}",
        wrap(case["action"], widths[11]),
    ]


def _style(bands: Sequence[str | None]) -> Any:
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), LEADING),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)),
    ]
    commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, (_, _, r) in enumerate(COLUMNS) if r]
    commands += [
        ("TEXTCOLOR", (BAND_COLUMN, row), (BAND_COLUMN, row), colors.HexColor(BAND_COLOURS[band]))
        for row, band in enumerate(bands, 1)
        if band in BAND_COLOURS
    ]
    return TableStyle(commands)


def _page_table(
    header: list[str], cases: Sequence[Mapping[str, Any]], rows: list[list[str]]
) -> Any:
    table = Table(
        [header, *rows],
        colWidths=[w for _, w, _ in COLUMNS],
        rowHeights=[ROW_HEIGHT] * (len(rows) + 1),
        hAlign="LEFT",
    )
    table.setStyle(_style([c["band"] for c in cases]))
    return table


def _chunks(total: int, first: int, per_page: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of the cases on each page: ``first`` on the first, then ``per_page``."""
    start, size = 0, max(first, 1)
    while start < total:
        yield start, min(start + size, total)
        start, size = start + size, per_page


def register_tables(
    cases: Sequence[Mapping[str, Any]],
    *,
    t: Mapping[str, str],
    rule_ids: Sequence[str],
    frame_height: float,
    heading_height: float,
    page_key: Callable[[], Any] | None = None,
    page_key_height: float = 0.0,
) -> list[Any]:
    """One table per landscape page (header row repeated), separated by page breaks; each page
    after the first starts with ``page_key()`` (the rule numbers' key, ``page_key_height``
    high) so a reader of any page can tell what its rule numbers mean."""
    header = [wrap(f"{t['network']} / {t['tier']}" if k == "network" else t[k], w)
              for k, w, _ in COLUMNS]  # fmt: skip
    number = {rule: i for i, rule in enumerate(rule_ids, 1)}
    # A hair below the frame height so float rounding never pushes a page's table to a split.
    per_page = math.floor((frame_height - page_key_height - 0.5) / ROW_HEIGHT) - 1
    first = math.floor((frame_height - heading_height - 0.5) / ROW_HEIGHT) - 1
    story: list[Any] = []
    for start, stop in _chunks(len(cases), first, per_page):
        page = cases[start:stop]
        if start and page_key is not None:
            story.append(page_key())
        story += [_page_table(header, page, [_cells(c, number) for c in page]), PageBreak()]
    return story[:-1]

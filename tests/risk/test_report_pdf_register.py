"""The PDF register's cell fitting: nothing overflows its column, rule numbers stay exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from risk.report.pdf_register import (
    COLUMNS,
    FONT_SIZE,
    NUMBER_CHARS,
    PADDING,
    fit,
    rule_ranges,
    wrap,
)
from risk.report.pdf_styles import FONT, register_font

TEXT = st.text(
    alphabet=st.sampled_from("abc XYZ 0123456789%()·，。传销网络成员亏损（）"), max_size=120
)


def _width(text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, FONT, FONT_SIZE))


def _expand(shown: str) -> list[int]:
    numbers: list[int] = []
    for part in filter(None, shown.split(", ")):
        low, _, high = part.partition("–")
        numbers += range(int(low), int(high or low) + 1)
    return numbers


@settings(max_examples=200, deadline=None)
@given(text=TEXT, width=st.floats(min_value=20, max_value=320))
def test_a_fitted_cell_never_overflows_and_keeps_what_fits(text: str, width: float) -> None:
    register_font()
    shown = fit(text, width)
    assert _width(shown) <= width - 2 * PADDING or shown == "…"
    if _width(text) <= width - 2 * PADDING:
        assert shown == text
    else:
        assert shown.endswith("…") and text.startswith(shown[:-1].rstrip())


@settings(max_examples=200, deadline=None)
@given(text=TEXT, width=st.floats(min_value=20, max_value=320))
def test_a_cut_never_falls_inside_a_number(text: str, width: float) -> None:
    register_font()
    kept = fit(text, width).removesuffix("…").rstrip()
    if kept != text and kept and kept[-1] in NUMBER_CHARS:
        assert text[len(kept)] not in NUMBER_CHARS, (text, kept)


def test_a_comparison_is_cut_before_its_number_not_inside_it() -> None:
    register_font()
    text = "• Its net gain equals 3,108.95 typical orders (legitimate peers: 0.42)"
    widths = [_width(text[:n] + "…") + 2 * PADDING + 0.01 for n in range(20, len(text))]
    for width in widths:
        kept = fit(text, width).removesuffix("…").rstrip()
        assert not kept.endswith(("3", "3,", "3,1", "3,10", "3,108", "3,108.", "3,108.9", "0.4"))


@settings(max_examples=100, deadline=None)
@given(text=TEXT, width=st.floats(min_value=30, max_value=200))
def test_a_wrapped_cell_has_at_most_two_lines_each_inside_the_column(
    text: str, width: float
) -> None:
    register_font()
    lines = wrap(text, width).split("\n")
    assert 1 <= len(lines) <= 2
    assert all(_width(line) <= width - 2 * PADDING or line == "…" for line in lines)


@given(numbers=st.sets(st.integers(min_value=1, max_value=13)))
def test_rule_numbers_shorten_to_ranges_and_back(numbers: set[int]) -> None:
    shown = rule_ranges(list(numbers))
    assert _expand(shown) == sorted(numbers)
    assert rule_ranges([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7–8"


def test_the_columns_fill_the_landscape_frame_exactly() -> None:
    from reportlab.lib.pagesizes import A4, landscape

    from risk.report.render_pdf_register import LANDSCAPE_MARGINS

    left, _, right, _ = LANDSCAPE_MARGINS
    assert abs(sum(w for _, w, _ in COLUMNS) - (landscape(A4)[0] - left - right)) < 0.01


def test_fixed_format_cells_are_never_cut() -> None:
    from risk.report.i18n import BAND_NAMES, DECISION_NAMES

    register_font()
    width = {key: w for key, w, _ in COLUMNS}
    widest_hex = max("0123456789abcdef", key=_width)
    assert fit("R-" + widest_hex * 8, width["reviewer"]) == "R-" + widest_hex * 8
    assert fit("2026-12-31", width["decided_at"]) == "2026-12-31"
    for words in BAND_NAMES.values():
        assert all(fit(word, width["band"]) == word for word in words.values())
    for words in DECISION_NAMES.values():
        assert all(wrap(word, width["decision"]) == word for word in words.values())

"""One way to write a score for people: three decimals cut, never rounded up to certainty."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.service.accounts import score_text


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        (0.9995, "0.999"),  # rounding would claim 1.000
        (0.99999, "0.999"),
        (1.0, "1.000"),
        (0.0005, "<0.001"),  # 0.000 would claim certainty the other way
        (1e-12, "<0.001"),
        (0.0, "0.000"),
        (0.001, "0.001"),
        (0.285, "0.285"),  # its binary expansion is 0.28499999...: the written decimal counts
        (0.8996, "0.899"),  # under a 0.9 cut it must not read 0.900
        (0.5, "0.500"),
    ],
)
def test_edge_scores(score: float, shown: str) -> None:
    assert score_text(score) == shown


@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_shown_score_is_never_above_the_score_and_within_a_thousandth(score: float) -> None:
    shown = score_text(score)
    if shown == "<0.001":
        assert 0.0 < score < 0.001
        return
    value = Decimal(shown)
    assert len(shown) == 5 and value <= Decimal(repr(score)) < value + Decimal("0.001")
    assert (shown == "1.000") == (score == 1.0) and (shown == "0.000") == (score == 0.0)

"""How a score is written for people: the console, the regulator report and its statements."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

_STEP = Decimal("0.001")


def score_text(score: float) -> str:
    """A score (a probability) with three decimals, cut rather than rounded: 0.9996 -> 0.999.

    Rounding writes 0.9996 as 1.000, which a reader takes for certainty that a probability
    below 1 never is; and the band was decided on the exact score, so a 0.8996 under a 0.9
    cut would read 0.900 while not being in the band above it. Cutting never shows more risk
    than the model gave. A positive score below 0.001 reads "<0.001": 0.000 would claim
    certainty the other way. The digits cut are those of the shortest decimal that reads back
    as the same float (a stored 0.285 reads 0.285, not the 0.284 of its binary expansion).
    """
    exact = Decimal(repr(float(score)))
    if 0 < exact < _STEP:
        return "<0.001"
    return str(exact.quantize(_STEP, rounding=ROUND_FLOOR))

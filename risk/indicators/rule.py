"""The shape of one legal indicator rule and the helpers its predicates and texts share."""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from risk.indicators.params import IndicatorParams

Jurisdiction = Literal["CN", "US", "EU"]
Predicate = Callable[[pd.DataFrame, IndicatorParams], "pd.Series[bool]"]
EvidenceValue = float | int | None


@dataclass(frozen=True)
class Rule:
    """One indicator: where it comes from in law, how it is measured, how it is worded.

    ``text_en`` / ``text_zh`` are ``str.format`` templates over the evidence columns and the
    :class:`IndicatorParams` fields; they say "meets the indicator" / "符合……的指标特征" and
    never give a verdict. ``predicate`` is vectorized over the whole (prepared) feature table.
    """

    rule_id: str
    jurisdiction: Jurisdiction
    citation: str
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str
    predicate: Predicate
    evidence_columns: tuple[str, ...]
    weight: float = 1.0  # share of indicator_score; criminal-grade rules weigh most

    def text(self, lang: Literal["en", "zh"], values: Mapping[str, Any]) -> str:
        """The rule's sentence for one account, in ``lang``."""
        template = self.text_zh if lang == "zh" else self.text_en
        return _FORMATTER.format(template, **values)


class _EvidenceFormatter(string.Formatter):
    """Formats evidence; a missing value (no sales to divide by...) reads "n/a"."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "n/a"
        return super().format_field(value, format_spec)


_FORMATTER = _EvidenceFormatter()


def num(features: pd.DataFrame, column: str) -> pd.Series:
    """A column as float64; missing values stay NaN so every comparison with them is False."""
    return features[column].astype("float64")


def evidence_value(value: object, *, integer: bool) -> EvidenceValue:
    """A JSON-safe scalar: counts as int, amounts and shares as float, missing as None."""
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return None
    return int(number) if integer else number


def as_mask(values: pd.Series | np.ndarray, index: pd.Index) -> pd.Series:
    """A plain bool Series (NaN comparisons already False) aligned to ``index``."""
    return pd.Series(np.asarray(values, dtype=bool), index=index)

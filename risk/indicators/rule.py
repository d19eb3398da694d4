"""The shape of one legal indicator rule and the helpers its predicates and texts share."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from string import Formatter
from typing import Any, Literal

import numpy as np
import pandas as pd
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from risk.indicators.params import IndicatorParams
from risk.vocab import Lang

Jurisdiction = Literal["CN", "US", "EU"]
Predicate = Callable[[pd.DataFrame, IndicatorParams], "pd.Series[bool]"]
EvidenceValue = float | int | None
ParamValue = float | int | bool


class FiredIndicator(TypedDict):
    """One indicator an account meets, as a run stores it: the rule, its citation, the values it
    was measured on and the thresholds in force that its sentences name. The sentences are worded
    when read (``risk.indicators.wording``), in the reader's language."""

    rule_id: str
    jurisdiction: str
    citation: str
    evidence: dict[str, EvidenceValue]
    params: dict[str, ParamValue]


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

    def text(
        self,
        lang: Lang,
        evidence: Mapping[str, Any],
        constants: Mapping[str, Any] | None = None,
    ) -> str:
        """The rule's sentence for one account in ``lang``; a missing value reads "n/a".

        ``constants`` fills the remaining placeholders (the thresholds in force).
        """
        template = self.text_zh if lang == "zh" else self.text_en
        values = _Placeholders(evidence)
        if None in values.values():
            values.update({k: _MISSING for k, v in evidence.items() if v is None})
        values.constants = constants or {}
        return template.format_map(values)

    def template_params(self) -> tuple[str, ...]:
        """The thresholds (:class:`IndicatorParams` fields) its sentences name, in order."""
        return _params_named((self.text_en, self.text_zh), self.evidence_columns)

    def params_in(self, constants: Mapping[str, Any]) -> dict[str, ParamValue]:
        """The thresholds in force that its sentences name: what a run stores with it."""
        return {name: constants[name] for name in self.template_params()}

    def fired(
        self, evidence: dict[str, EvidenceValue], params: dict[str, ParamValue]
    ) -> FiredIndicator:
        """The stored form of this rule met on ``evidence`` under ``params`` (no sentence)."""
        return {
            "rule_id": self.rule_id,
            "jurisdiction": self.jurisdiction,
            "citation": self.citation,
            "evidence": evidence,
            "params": params,
        }


@cache
def _params_named(templates: tuple[str, ...], evidence: tuple[str, ...]) -> tuple[str, ...]:
    """Placeholders of the templates that are not evidence columns, first appearance first."""
    fields = (name for text in templates for _, name, _, _ in Formatter().parse(text) if name)
    roots = (re.split(r"[.\[]", name, maxsplit=1)[0] for name in fields)
    return tuple(dict.fromkeys(name for name in roots if name not in evidence))


class _Placeholders(dict[str, Any]):
    """Evidence values first, then the constants, without merging dicts per account."""

    constants: Mapping[str, Any]

    def __missing__(self, key: str) -> Any:
        return self.constants[key]


class _Missing:
    """Stands in for a missing evidence value (no sales to divide by...) under any format spec."""

    def __format__(self, format_spec: str) -> str:
        return "n/a"


_MISSING = _Missing()


def num(features: pd.DataFrame, column: str) -> pd.Series:
    """A column as float64; missing values stay NaN so every comparison with them is False."""
    return features[column].astype("float64")


def evidence_values(column: pd.Series, rows: np.ndarray) -> list[EvidenceValue]:
    """JSON-safe values of ``rows``: counts as int, amounts and shares as float, missing None."""
    if pd.api.types.is_integer_dtype(column.dtype):
        return column.to_numpy(dtype="int64")[rows].tolist()
    values = column.to_numpy(dtype="float64", na_value=np.nan)[rows]
    finite = np.isfinite(values)
    if finite.all():
        return values.tolist()
    boxed = values.astype(object)
    boxed[~finite] = None
    return boxed.tolist()


def as_mask(values: pd.Series | np.ndarray, index: pd.Index) -> pd.Series:
    """A plain bool Series (NaN comparisons already False) aligned to ``index``."""
    return pd.Series(np.asarray(values, dtype=bool), index=index)

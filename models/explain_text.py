"""Reason objects and their sentences, rendered only from the feature registry's templates.

A reason is data (feature, value, contribution, reference); its sentence is worded when read,
in the reader's language, by ``reason_text``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from features.registry import REGISTRY, FeatureSpec
from models.explain_errors import ExplainerError, ExplainInputError
from models.vocab import LANGS, Lang

# Not a feature meaning: the word for "no value" when an account's value or the reference is NaN.
_UNKNOWN: dict[Lang, str] = {"en": "unknown", "zh": "未知"}


def json_float(value: float) -> float | None:
    """A float JSON can carry (NaN and infinities become null)."""
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Reason:
    """One feature's push on one account's score, and what its sentence compares the value with."""

    feature: str
    value: float
    contribution: float  # log-odds
    reference: float  # the legitimate sellers' median of the feature (NaN when unknown)

    def to_dict(self) -> dict[str, Any]:
        """``{feature, value, contribution, reference}``, what a run stores (JSON-safe)."""
        return {
            "feature": self.feature,
            "value": json_float(self.value),
            "contribution": json_float(self.contribution),
            "reference": json_float(self.reference),
        }


@dataclass(frozen=True)
class Explanation:
    """One account on demand: reasons up and down, and the log-odds they add up to."""

    up: tuple[Reason, ...]
    down: tuple[Reason, ...]
    base_value: float
    raw_score: float  # base_value + sum of all contributions (TreeSHAP additivity)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the API."""
        return {
            "up": [reason.to_dict() for reason in self.up],
            "down": [reason.to_dict() for reason in self.down],
            "base_value": json_float(self.base_value),
            "raw_score": json_float(self.raw_score),
        }


def check_lang(lang: str) -> Lang:
    """The language if we have templates for it, else a clear input error."""
    if lang not in LANGS:
        raise ExplainInputError(f"unknown reason language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


class ReasonBook:
    """Per model feature: its spec and the legitimate sellers' median its reasons compare with."""

    def __init__(
        self,
        feature_names: Sequence[str],
        reference: Mapping[str, float],
        registry: Mapping[str, FeatureSpec],
    ) -> None:
        missing = [name for name in feature_names if name not in registry]
        if missing:
            raise ExplainerError(f"model features missing from the registry: {', '.join(missing)}")
        self.specs = [registry[name] for name in feature_names]
        self.explainable: NDArray[np.bool_] = np.array([s.model_input for s in self.specs], bool)
        no_reference = [s.name for s in self.specs if s.model_input and s.name not in reference]
        if no_reference:
            raise ExplainerError(f"no training reference for features: {', '.join(no_reference)}")
        self.references = [float(reference.get(s.name, math.nan)) for s in self.specs]

    def text(self, column: int, value: float, lang: Lang) -> str:
        """The reason sentence for one account's value of one model feature."""
        return reason_text(self.specs[column], value, self.references[column], lang)

    def reasons(
        self,
        columns: NDArray[np.intp],
        values: NDArray[np.float64],
        contributions: NDArray[np.float64],
    ) -> list[Reason]:
        """Reasons for selected cells (parallel arrays: column, account value, contribution)."""
        references = [self.references[c] for c in columns.tolist()]
        cells = zip(
            columns.tolist(), values.tolist(), contributions.tolist(), references, strict=True
        )
        return [Reason(self.specs[c].name, v, x, r) for c, v, x, r in cells]


def reason_text(spec: FeatureSpec, value: float | None, reference: float | None, lang: Lang) -> str:
    """A reason's sentence in ``lang``: the spec's template with the account's value and the
    legitimate sellers' median it is compared with, each formatted by the spec. The one way a
    reason is worded: the explainer, the score file and every reader of a run use it."""
    template = spec.reason_zh if lang == "zh" else spec.reason_en
    return template.format_map(
        {"value": _render(spec, value, lang), "reference": _render(spec, reference, lang)}
    )


def stored_reason_text(reason: Mapping[str, Any], lang: Lang) -> str:
    """A reason as a run stored it (``Reason.to_dict``), worded in ``lang`` from the registry.

    A reason stored before runs kept the reference (issue 14) has its English sentence in
    ``text`` instead: it shows that, as does a feature the registry no longer has.
    """
    spec = REGISTRY.get(str(reason.get("feature", "")))
    if spec is None or "reference" not in reason:
        return str(reason.get("text", ""))
    value, reference = _number(reason.get("value")), _number(reason.get("reference"))
    return reason_text(spec, value, reference, lang)


def _number(value: Any) -> float | None:
    """A stored JSON number as a float (null stays None)."""
    return None if value is None else float(value)


def _render(spec: FeatureSpec, value: float | None, lang: Lang) -> str:
    """A value as the registry formats it, or the word for unknown (missing or NaN)."""
    if value is None or math.isnan(value):
        return _UNKNOWN[lang]
    return spec.format_value(value)

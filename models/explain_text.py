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
from features.specs.base import LEGIT_EN, LEGIT_ZH
from models.explain_errors import ExplainerError, ExplainInputError
from models.vocab import LANGS, Lang

# Not a feature meaning: the word for "no value" when an account's value or the reference is NaN.
_UNKNOWN: dict[Lang, str] = {"en": "unknown", "zh": "未知"}

# Principal reasons (US adverse-action practice: at most four, specific): how many are shown
# and the smallest push on the score (log-odds) worth one.
PRINCIPAL_REASONS = 4
MIN_CONTRIBUTION = 0.05
# English nouns that follow a count in the registry's sentences, singular for a count of 1.
_SINGULAR = {
    "agents": "agent",
    "accounts": "account",
    "participants": "participant",
    "days": "day",
    "tiers": "tier",
    "units": "unit",
    "orders": "order",
    "consumers": "consumer",
    "people": "person",
    "times": "time",
    "links": "link",
}
# Sentences for a tier count of 0, where "at least 0 tiers below the top" says nothing.
_AT_ZERO: dict[str, tuple[str, str]] = {
    "tier_capped": ("It is at the top of its network", "其位于所在网络顶端"),
    "downline_depth_capped": ("It has no downline", "其没有下线"),
    "network_depth_capped": ("Its network is this one account", "其所在网络只有其本人"),
}


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
    shown = _render(spec, value, lang)
    if value == 0 and spec.name in _AT_ZERO:
        english, chinese = _AT_ZERO[spec.name]
        legit = LEGIT_ZH if lang == "zh" else LEGIT_EN
        template = (chinese if lang == "zh" else english) + (legit if legit in template else "")
    elif shown == "0%" and value == 0:
        template = template.replace("Only {value} of", "None of").replace("仅{value}", "{value}")
    elif shown == "1" and lang == "en":
        template = _singular_after_value(template)
    return template.format_map({"value": shown, "reference": _render(spec, reference, lang)})


_WOULD_CHANGE = {
    ("higher", "en"): "Lower values weigh less here: legitimate sellers' median is {reference}.",
    ("lower", "en"): "Higher values weigh less here: legitimate sellers' median is {reference}.",
    ("higher", "zh"): "数值越低，此原因分量越轻：正常商家的中位数为 {reference}。",
    ("lower", "zh"): "数值越高，此原因分量越轻：正常商家的中位数为 {reference}。",
}


def change_hint(reason: Mapping[str, Any], lang: Lang) -> str | None:
    """What would change a stored reason, for the case page: which way the value would have to
    move and the legitimate sellers' median it would approach. None when the registry gives
    no direction for the feature or the run stored no median (the page then says it in
    general)."""
    spec = REGISTRY.get(str(reason.get("feature")))
    reference = reason.get("reference")
    if spec is None or reference is None or spec.riskier not in ("higher", "lower"):
        return None
    return _WOULD_CHANGE[(spec.riskier, lang)].format(
        reference=_render(spec, float(reference), lang)
    )


def _singular_after_value(template: str) -> str:
    """The template with the plural noun of the two words after ``{value}`` made singular."""
    head, marker, tail = template.partition("{value} ")
    if not marker:
        return template
    words = tail.split(" ")
    for index in range(min(2, len(words))):
        if words[index] in _SINGULAR:
            words[index] = _SINGULAR[words[index]]
            break
    return head + marker + " ".join(words)


def reads_risky(spec: FeatureSpec, value: float | None, reference: float | None) -> bool | None:
    """Whether the sentence of a value reads as risk: True when the value is on the riskier side
    of the legitimate sellers' median, False on the other side, None when it cannot say (a
    feature with no riskier direction, an unknown value or reference, the median itself)."""
    if spec.riskier == "neutral" or value is None or reference is None:
        return None
    if math.isnan(value) or math.isnan(reference) or value == reference:
        return None
    return (value > reference) == (spec.riskier == "higher")


def shared_with_neighbours(spec: FeatureSpec) -> bool:
    """True for a signal of the account's network or branch, which its neighbours share."""
    return spec.group == "network" or spec.name.startswith("network_")


def principal_reasons(
    reasons: Sequence[Mapping[str, Any]],
    *,
    limit: int = PRINCIPAL_REASONS,
    min_contribution: float = MIN_CONTRIBUTION,
) -> list[Mapping[str, Any]]:
    """The reasons worth reading, at most ``limit``, largest push first.

    Left out: pushes smaller than ``min_contribution``; a sentence that disagrees with its
    direction (a risky-looking value that lowers the score, a reassuring one that raises it)
    or has none (features with no riskier direction, such as net gain); signals the account
    shares with its whole network or branch beyond the first, so that what tells the account
    from its neighbours comes first. Stored reasons of older runs (no reference) keep their
    order, the small ones dropped.
    """
    own: list[Mapping[str, Any]] = []
    shared: list[Mapping[str, Any]] = []
    for reason in reasons:
        contribution = _number(reason.get("contribution"))
        if contribution is None or abs(contribution) < min_contribution:
            continue
        spec = REGISTRY.get(str(reason.get("feature", "")))
        if spec is None or "reference" not in reason:
            own.append(reason)
            continue
        risky = reads_risky(spec, _number(reason.get("value")), _number(reason.get("reference")))
        if risky is None or risky != (contribution > 0):
            continue
        (shared if shared_with_neighbours(spec) else own).append(reason)
    return (own + shared[:1])[:limit] if own else shared[:limit]


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
    if spec.unit == "share" and 0 < value < 0.005:
        return "<1%"  # not "0%": some is not none
    if spec.unit == "share" and 0.995 <= value < 1:
        return ">99%"  # not "100%": not all
    if spec.unit == "ratio" and abs(value) >= 100:
        return f"{value:,.0f}"  # 3,109 typical orders, not 3108.95
    return spec.format_value(value)

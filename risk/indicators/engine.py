"""Evaluates the rule packs over a feature table: which indicators each account meets, and why."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from risk.indicators.derived import DERIVED_SOURCES, prepare, source_columns
from risk.indicators.errors import MissingFeatureColumnsError, UnknownJurisdictionError
from risk.indicators.params import IndicatorParams
from risk.indicators.registry import ALL_RULES, RULE_PACKS
from risk.indicators.rule import FiredIndicator, Rule, as_mask, evidence_values


def select_rules(jurisdictions: Collection[str] | None = None) -> tuple[Rule, ...]:
    """The rules of ``jurisdictions`` (all packs when None), in registry order."""
    if jurisdictions is None:
        return ALL_RULES
    unknown = sorted(set(jurisdictions) - RULE_PACKS.keys())
    if unknown:
        raise UnknownJurisdictionError(unknown, list(RULE_PACKS))
    return tuple(rule for rule in ALL_RULES if rule.jurisdiction in jurisdictions)


def fired_matrix(
    features: pd.DataFrame,
    params: IndicatorParams | None = None,
    jurisdictions: Collection[str] | None = None,
) -> pd.DataFrame:
    """Accounts x rule_id, True where the account meets the rule's indicator."""
    rules = select_rules(jurisdictions)
    prepared = _prepared(features, rules)
    return _masks(prepared, rules, params or IndicatorParams())


def evaluate_indicators(
    features: pd.DataFrame,
    params: IndicatorParams | None = None,
    jurisdictions: Collection[str] | None = None,
) -> pd.Series:
    """Per account, the indicators met as data: {rule_id, jurisdiction, citation, evidence,
    params}, ``params`` being the thresholds in force that the rule's sentences name.

    Ordered by jurisdiction pack then rule; an empty list when none fired. Masks are computed
    for the whole table; dicts are built only for the cells that fired. The sentences are
    worded when read, in any language (``risk.indicators.wording``).
    """
    params = params or IndicatorParams()
    rules = select_rules(jurisdictions)
    prepared = _prepared(features, rules)
    fired = _masks(prepared, rules, params)
    result: list[list[FiredIndicator]] = [[] for _ in range(len(prepared))]
    constants = params.as_dict()
    for rule in rules:
        used = rule.params_in(constants)  # one dict per rule, shared by its rows (read only)
        rows = np.flatnonzero(fired[rule.rule_id].to_numpy())
        for row, evidence in zip(rows, _evidence(prepared, rule, rows), strict=True):
            result[row].append(rule.fired(evidence, used))
    return pd.Series(result, index=features.index, name="indicators", dtype="object")


def indicator_score(features: pd.DataFrame, params: IndicatorParams | None = None) -> np.ndarray:
    """A rules-only risk score in [0, 1]: the weighted share of all rules the account meets."""
    fired = fired_matrix(features, params)
    weights = np.array([rule.weight for rule in ALL_RULES], dtype="float64")
    return fired.to_numpy(dtype="float64") @ weights / weights.sum()


def _prepared(features: pd.DataFrame, rules: tuple[Rule, ...]) -> pd.DataFrame:
    needed = source_columns(tuple(c for rule in rules for c in rule.evidence_columns))
    needed |= {c for sources in DERIVED_SOURCES.values() for c in sources}  # prepare() reads
    missing = sorted(needed - set(features.columns))
    if missing:
        raise MissingFeatureColumnsError(missing)
    return prepare(features)


def _masks(
    prepared: pd.DataFrame, rules: tuple[Rule, ...], params: IndicatorParams
) -> pd.DataFrame:
    masks = {
        rule.rule_id: as_mask(rule.predicate(prepared, params), prepared.index) for rule in rules
    }
    return pd.DataFrame(masks, index=prepared.index, columns=[r.rule_id for r in rules], dtype=bool)


def _evidence(prepared: pd.DataFrame, rule: Rule, rows: np.ndarray) -> list[dict[str, Any]]:
    """The evidence dicts of the fired rows only, built column by column."""
    columns = [evidence_values(prepared[name], rows) for name in rule.evidence_columns]
    names = rule.evidence_columns
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]

"""Held-out evaluation of the model and its baselines, in one comparable table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from models.blend import LIGHTGBM
from training.baselines import Scorer
from training.data import SLICE_COLUMNS
from training.metrics import ranking_metrics, reliability_curve, slice_metrics
from training.selection import worse_on

MODEL = "model"


def compare_scorers(
    table: pd.DataFrame, scores: Mapping[str, np.ndarray], k: int
) -> dict[str, dict[str, float]]:
    """Ranking metrics of every scorer's scores on the same accounts."""
    y = table["label"].to_numpy()
    networks = table["network_id"].to_numpy()
    return {name: ranking_metrics(y, values, networks, k) for name, values in scores.items()}


def score_all(table: pd.DataFrame, scorers: Mapping[str, Scorer]) -> dict[str, np.ndarray]:
    """Each scorer's scores for the table's accounts."""
    return {name: np.asarray(scorer(table), dtype=np.float64) for name, scorer in scorers.items()}


def slices(
    table: pd.DataFrame, scores: np.ndarray, flag_threshold: float, k: int
) -> dict[str, Any]:
    """Per role / per family metrics (the label columns that exist and hold any value)."""
    return {
        column: slice_metrics(
            table["label"].to_numpy(), scores, table[column], flag_threshold, k
        ).to_dict(orient="index")
        for column in SLICE_COLUMNS
        if column in table.columns and table[column].notna().any()
    }


def _baselines(
    results: Mapping[str, Mapping[str, float]],
) -> Iterator[tuple[str, Mapping[str, float]]]:
    """(name, metrics) of every baseline: every row but the model and its LightGBM part."""
    return ((n, r) for n, r in results.items() if n not in (MODEL, LIGHTGBM))


def beats_baselines(results: Mapping[str, Mapping[str, float]], k: int) -> bool:
    """The model beats every baseline on average precision and precision at k."""
    model = results[MODEL]
    keys = ("average_precision", f"precision_at_{k}")
    return all(
        model[key] > other[key] or (model[key] == other[key] == 1.0)
        for _, other in _baselines(results)
        for key in keys
    )


def baseline_shortfall(results: Mapping[str, Mapping[str, float]], k: int) -> str | None:
    """Why the model may not be champion: the baselines it is *worse* than (average precision or
    precision at k) on these accounts, or None when it is worse than none."""
    model = results[MODEL]
    found = []
    for name, other in _baselines(results):
        worse = worse_on(model, other, k)
        if worse:
            shown = ", ".join(f"{key} {model[key]:.4f} vs {other[key]:.4f}" for key in worse)
            found.append(f"{name} ({shown})")
    return f"worse than {'; '.join(found)} on the held-out networks" if found else None


def reliability(table: pd.DataFrame, scores: np.ndarray) -> list[dict[str, float]]:
    """Reliability curve rows (JSON-ready)."""
    curve = reliability_curve(table["label"].to_numpy(), scores)
    return [{k: float(v) for k, v in row.items()} for row in curve.to_dict(orient="records")]


def metrics_table(
    evaluation: Mapping[str, Mapping[str, Mapping[str, float]]], k: int
) -> pd.DataFrame:
    """Rows (split, scorer); the columns the summary and the model card show."""
    columns = [
        "roc_auc",
        "average_precision",
        f"precision_at_{k}",
        f"recall_at_{k}",
        f"scheme_networks_in_top_{k}",
        "brier",
        "accounts",
        "positives",
    ]
    rows = [
        {"split": split, "scorer": scorer, **{c: values.get(c, float("nan")) for c in columns}}
        for split, by_scorer in evaluation.items()
        for scorer, values in by_scorer.items()
    ]
    return pd.DataFrame(rows)

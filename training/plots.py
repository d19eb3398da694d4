"""PNG figures logged with every training run (matplotlib, headless Agg backend)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from models.explainer import Explainer
from models.reference import legitimate_medians


def _headless() -> None:
    """Draw with Agg: no display on servers and in CI (set when drawing, not on import)."""
    matplotlib.use("Agg")


def importance_plot(importance: pd.Series, path: Path, title: str, top: int = 20) -> Path:
    """Horizontal bars of the ``top`` most important features."""
    _headless()
    shown = importance.head(top)[::-1]
    figure, axes = plt.subplots(figsize=(8, 0.3 * len(shown) + 1.5))
    axes.barh(shown.index, shown.to_numpy())
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def reliability_plot(curve: Sequence[Mapping[str, float]], path: Path) -> Path:
    """Observed scheme rate against mean predicted probability, per score bin."""
    _headless()
    predicted = [row["mean_predicted"] for row in curve]
    observed = [row["observed_rate"] for row in curve]
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    axes.plot(predicted, observed, marker="o", label="model (grouped test networks)")
    axes.set_xlabel("mean predicted probability")
    axes.set_ylabel("observed share of scheme accounts")
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def shap_summary(
    booster: Any,
    feature_names: list[str],
    reference: Mapping[str, Any],
    X: pd.DataFrame,
    path: Path,
    rows: int,
    seed: int,
) -> pd.Series:
    """Write the SHAP summary (beeswarm) PNG; return mean |SHAP| per feature (log-odds)."""
    explainer = Explainer(booster, feature_names, legitimate_medians(dict(reference)))
    sample = X
    if len(X) > rows:
        keep = np.sort(np.random.default_rng(seed).choice(len(X), rows, replace=False))
        sample = X.iloc[keep]
    _headless()
    explainer.summary_plot(sample, path, max_rows=rows, seed=seed)
    return explainer.global_importance(sample)

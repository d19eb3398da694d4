"""Training-population statistics stored with the model: explanation references and drift bins.

- ``median_legitimate``: the feature's median among legitimate (label 0) training accounts, the
  reference an explanation quotes ("legitimate sellers: median 3");
- ``bin_edges`` / ``proportions``: the training distribution in (up to) ten quantile bins, for
  drift checks. Bin ``i`` holds values ``v`` with ``edges[i-1] < v <= edges[i]`` (the first bin is
  open below, the last open above), i.e. ``numpy.searchsorted(edges, v, side="left")``;
  ``missing_share`` counts NaN separately.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

DECILES = np.linspace(0.1, 0.9, 9)


def distribution(values: NDArray[np.float64]) -> dict[str, Any]:
    """Decile bin edges and the share of values in each bin (plus the share missing)."""
    values = np.asarray(values, dtype=np.float64)
    present = values[~np.isnan(values)]
    missing_share = float(1.0 - len(present) / len(values)) if len(values) else 0.0
    if not len(present):
        return {"bin_edges": [], "proportions": [], "missing_share": missing_share}
    edges = np.unique(np.quantile(present, DECILES))
    counts = np.bincount(np.searchsorted(edges, present, side="left"), minlength=len(edges) + 1)
    return {
        "bin_edges": [float(e) for e in edges],
        "proportions": [float(c) for c in counts / len(present)],
        "missing_share": missing_share,
    }


def bin_proportions(values: NDArray[np.float64], bin_edges: list[float]) -> NDArray[np.float64]:
    """Share of non-missing ``values`` in the bins of a stored distribution (for drift)."""
    values = np.asarray(values, dtype=np.float64)
    present = values[~np.isnan(values)]
    edges = np.asarray(bin_edges, dtype=np.float64)
    counts = np.bincount(np.searchsorted(edges, present, side="left"), minlength=len(edges) + 1)
    return counts / max(len(present), 1)


def build_reference(
    matrix: NDArray[np.float64],
    feature_names: list[str],
    labels: NDArray[np.int_],
    scores: NDArray[np.float64],
) -> dict[str, Any]:
    """Per-feature legitimate medians and distributions, and the score distribution."""
    legitimate = matrix[np.asarray(labels) == 0]
    medians = (
        np.nanmedian(legitimate, axis=0) if len(legitimate) else np.full(len(feature_names), np.nan)
    )
    features = {
        name: {"median_legitimate": _finite_or_none(medians[i]), **distribution(matrix[:, i])}
        for i, name in enumerate(feature_names)
    }
    return {"features": features, "score": distribution(scores), "n_accounts": len(matrix)}


def legitimate_medians(reference: dict[str, Any]) -> dict[str, float]:
    """Feature -> median among legitimate training accounts (NaN when unknown)."""
    return {
        name: float("nan") if stats["median_legitimate"] is None else stats["median_legitimate"]
        for name, stats in reference["features"].items()
    }


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None

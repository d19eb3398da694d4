"""Population stability of the score and of each feature against the training distribution.

The reference (stored with the model, ``models/reference.py``) holds, per feature and for the
score, the inner decile cuts of the training population and the share of training rows in each
bin: bin ``i`` holds ``edges[i-1] < v <= edges[i]`` (first bin open below, last open above).
A run's non-missing values are binned on the same cuts;
PSI = sum((actual - expected) * ln(actual / expected)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

PSI_WARNING = 0.25  # the usual "significant shift" level: retrain or investigate
_EPSILON = 1e-4  # stands in for an empty bin so that the log stays finite


def bin_shares(values: np.ndarray, bin_edges: Sequence[float], n_bins: int) -> np.ndarray:
    """Share of non-missing values per bin (right-closed bins; the end bins are open)."""
    edges = np.asarray(bin_edges, dtype="float64")
    # Edges may include the outer bounds (n_bins + 1) or only the inner cuts (n_bins - 1).
    inner = edges[1:-1] if len(edges) == n_bins + 1 else edges
    finite = values[~np.isnan(values)]
    if len(finite) == 0:
        return np.zeros(n_bins)
    bins = np.searchsorted(inner, finite, side="left")
    counts = np.bincount(bins, minlength=n_bins)[:n_bins]
    return counts / len(finite)


def population_stability_index(
    expected_proportions: Sequence[float], actual_values: np.ndarray, bin_edges: Sequence[float]
) -> float:
    """PSI of ``actual_values`` against the expected share per bin (empty bins get epsilon)."""
    expected = np.asarray(expected_proportions, dtype="float64")
    actual = bin_shares(np.asarray(actual_values, dtype="float64"), bin_edges, len(expected))
    expected = np.clip(expected, _EPSILON, None)
    actual = np.clip(actual, _EPSILON, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def _distribution(entry: Any) -> tuple[Sequence[float], Sequence[float]] | None:
    """(bin edges, proportions) from a reference entry (mapping or object), None if absent."""
    if entry is None:
        return None
    if isinstance(entry, Mapping):
        edges = entry.get("bin_edges", entry.get("edges"))
        shares = entry.get("proportions", entry.get("shares"))
    else:
        edges = getattr(entry, "bin_edges", getattr(entry, "edges", None))
        shares = getattr(entry, "proportions", getattr(entry, "shares", None))
    if edges is None or shares is None or len(shares) == 0:
        return None
    return edges, shares


def drift_report(
    features: pd.DataFrame,
    scores: np.ndarray,
    feature_distributions: Mapping[str, Any],
    score_distribution: Any,
    *,
    threshold: float = PSI_WARNING,
) -> dict[str, Any]:
    """PSI per model feature and for the score, plus a warning for each PSI above threshold."""
    psi: dict[str, float] = {}
    for name, entry in feature_distributions.items():
        dist = _distribution(entry)
        if dist is None or name not in features.columns:
            continue
        values = pd.to_numeric(features[name], errors="coerce").to_numpy(dtype="float64")
        psi[name] = round(population_stability_index(dist[1], values, dist[0]), 6)
    score_dist = _distribution(score_distribution)
    score_psi = None
    if score_dist is not None:
        score_psi = round(population_stability_index(score_dist[1], scores, score_dist[0]), 6)
    warnings = [
        f"PSI of {name} is {value:.3f} (> {threshold})"
        for name, value in sorted(psi.items(), key=lambda item: -item[1])
        if value > threshold
    ]
    if score_psi is not None and score_psi > threshold:
        warnings.insert(0, f"PSI of the score is {score_psi:.3f} (> {threshold})")
    return {
        "threshold": threshold,
        "score_psi": score_psi,
        "feature_psi": psi,
        "warnings": warnings,
    }

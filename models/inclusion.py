"""Horvitz-Thompson weights of decisions: the queue's top is decided whole, the exploration
picks stand for the undecided accounts like them (docs/feedback.md, the queue's bias). Only
numpy and pandas: the API's workers import it for monitoring."""

from __future__ import annotations

import numpy as np
import pandas as pd


def decision_weights(inclusion_probability: pd.Series) -> np.ndarray:
    """Each decision's weight: 1 / inclusion probability for an exploration pick, 1 for the
    queue's own decisions (NaN inclusion probability)."""
    pi = inclusion_probability.to_numpy(dtype=float)
    return np.where(np.isnan(pi), 1.0, 1.0 / np.clip(np.nan_to_num(pi, nan=1.0), 1e-9, 1.0))

"""The SHAP summary plot for reports, drawn headless."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import shap
from numpy.typing import NDArray


def write_summary_plot(
    contributions: NDArray[np.float64],
    values: NDArray[np.float64],
    feature_names: Sequence[str],
    path: Path,
    *,
    max_display: int = 20,
) -> Path:
    """Write SHAP's beeswarm summary (log-odds contributions vs feature values) as a PNG."""
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg")  # reports are drawn on servers without a display

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    figure = plt.figure()  # SHAP draws on the current figure: make it a fresh one of ours
    try:
        shap.summary_plot(
            contributions,
            values,
            feature_names=list(feature_names),
            max_display=max_display,
            show=False,
        )
        figure.axes[0].set_xlabel("SHAP value (log-odds contribution to the score)")
        figure.tight_layout()
        figure.savefig(partial, format="png", dpi=120)
        os.replace(partial, path)  # a reader never sees half a PNG
    finally:
        plt.close(figure)
        partial.unlink(missing_ok=True)
    return path

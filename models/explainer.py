"""The model's reasons: TreeSHAP contributions (log-odds) ranked into reasons the registry words.

Kept apart from the legal indicators on purpose: these say why the *model* scored an account,
not which legal test it meets. The contributions are LightGBM's own TreeSHAP
(``predict(pred_contrib=True)``), which is also what ``shap.TreeExplainer`` runs on a LightGBM
booster (tests hold the two equal): called directly, a run skips SHAP's import (numba,
matplotlib: seconds) and its copy of the model, and spreads chunks over the cores itself.
SHAP does not check additivity there, our tests do.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from features.registry import REGISTRY, FeatureSpec
from models.explain_errors import ExplainerError, ExplainInputError
from models.explain_text import Explanation, Reason, ReasonBook

if TYPE_CHECKING:
    import lightgbm

__all__ = ["Explainer", "Explanation", "Reason"]

Direction = Literal["up", "down"]
DEFAULT_CHUNK_ROWS = 8192  # bounds memory: a chunk's (rows, features + 1) float64 contributions
# Rows per LightGBM call within a chunk: small enough that both cores stay busy to the end.
_THREAD_ROWS = 1024


class Explainer:
    """TreeSHAP reasons for a LightGBM booster, each with the median its sentence compares to."""

    def __init__(
        self,
        booster: lightgbm.Booster,
        feature_names: Sequence[str],
        reference: Mapping[str, float],
        registry: Mapping[str, FeatureSpec] | None = None,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
    ) -> None:
        if registry is None:
            registry = _default_registry()
        self.feature_names = tuple(feature_names)
        _check_booster(booster, self.feature_names)
        self.booster = booster
        self.chunk_rows = max(1, int(chunk_rows))
        self.book = ReasonBook(self.feature_names, _medians(reference), registry)
        self.base_value = self._bias(np.zeros((1, len(self.feature_names))))

    def contributions(self, X: pd.DataFrame | NDArray[Any]) -> tuple[float, NDArray[np.float64]]:
        """Base value and (n, features) log-odds contributions, chunk by chunk."""
        matrix = self.matrix(X)
        chunks = [self._tree_shap(part) for part in _chunks(matrix, self.chunk_rows)]
        if not chunks:
            return self.base_value, np.zeros((0, len(self.feature_names)))
        return self.base_value, np.vstack(chunks)

    def reasons(
        self, X: pd.DataFrame | NDArray[Any], top: int = 4, direction: Direction = "up"
    ) -> list[list[Reason]]:
        """Per account, the ``top`` features pushing its score up (or down), strongest first."""
        matrix = self.matrix(X)
        out: list[list[Reason]] = []
        for part in _chunks(matrix, self.chunk_rows):
            out.extend(self.rank(part, self._tree_shap(part), top=top, direction=direction))
        return out

    def rank(
        self,
        values: NDArray[np.float64],
        contributions: NDArray[np.float64],
        *,
        top: int = 4,
        direction: Direction = "up",
    ) -> list[list[Reason]]:
        """Reasons from contributions already computed (``values`` = the same rows' features)."""
        if len(values) == 0:
            return []
        rows, cols = top_cells(contributions, self.book.explainable, top, direction)
        flat = self.book.reasons(cols, values[rows, cols], contributions[rows, cols])
        ends = np.cumsum(np.bincount(rows, minlength=len(values))).tolist()
        return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]

    def explain_one(self, row: Mapping[str, float] | NDArray[Any], top: int = 4) -> Explanation:
        """One account on demand: top reasons up and down, through a float64 numpy row."""
        values = self._row(row)
        contrib = self._contributions_one(values)
        up = self.rank(values, contrib, top=top, direction="up")[0]
        down = self.rank(values, contrib, top=top, direction="down")[0]
        raw = self.base_value + float(contrib.sum())
        return Explanation(tuple(up), tuple(down), self.base_value, raw)

    def global_importance(
        self, X: pd.DataFrame | NDArray[Any], *, contributions: NDArray[np.float64] | None = None
    ) -> pd.Series:
        """Mean |SHAP| per feature over ``X`` (log-odds), largest first."""
        contrib = self.contributions(X)[1] if contributions is None else contributions
        mean_abs = np.abs(contrib).mean(axis=0) if len(contrib) else np.zeros(contrib.shape[1])
        importance = pd.Series(mean_abs, index=list(self.feature_names), name="mean_abs_shap")
        return importance.sort_values(ascending=False, kind="stable")

    def summary_plot(
        self, X: pd.DataFrame | NDArray[Any], path: Path, *, max_rows: int = 5000, seed: int = 0
    ) -> Path:
        """A SHAP beeswarm summary PNG of (a seeded sample of at most ``max_rows`` of) ``X``."""
        # lazy: models.explain_plot imports shap and matplotlib at module level (seconds)
        from models.explain_plot import write_summary_plot

        matrix = self.matrix(X)
        if len(matrix) > max_rows:
            keep = np.sort(np.random.default_rng(seed).choice(len(matrix), max_rows, replace=False))
            matrix = matrix[keep]
        contrib = self.contributions(matrix)[1]
        return write_summary_plot(contrib, matrix, self.feature_names, Path(path))

    def matrix(self, X: pd.DataFrame | NDArray[Any]) -> NDArray[np.float64]:
        """The model's input columns as a float64 matrix (DataFrame columns picked by name)."""
        if isinstance(X, pd.DataFrame):
            return _frame_matrix(X, self.feature_names)
        matrix = np.asarray(X, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != len(self.feature_names):
            raise ExplainInputError(
                f"expected rows of {len(self.feature_names)} model features, got shape "
                f"{matrix.shape}"
            )
        return matrix

    def _row(self, row: Mapping[str, float] | NDArray[Any]) -> NDArray[np.float64]:
        """One account as a (1, features) float64 row: the cheap path into LightGBM."""
        if isinstance(row, Mapping):
            missing = [name for name in self.feature_names if name not in row]
            if missing:
                raise ExplainInputError(f"account lacks model features: {', '.join(missing)}")
            values = [_as_float(row[name], name) for name in self.feature_names]
            return np.array([values], dtype=np.float64)
        return self.matrix(np.asarray(row, dtype=np.float64).reshape(1, -1))

    def _tree_shap(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """TreeSHAP log-odds contributions of one chunk: LightGBM's ``pred_contrib`` on blocks
        of rows, one single-threaded call per block on every core (ctypes lets go of the GIL
        in the call), so the cores stay busy and no OpenMP team is woken per call."""
        blocks = list(_chunks(matrix, _THREAD_ROWS))
        workers = min(len(blocks), os.cpu_count() or 1)
        if workers <= 1:
            parts = [self._contributions_one(block) for block in blocks]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parts = list(pool.map(self._contributions_one, blocks))
        if not parts:
            return np.zeros((0, len(self.feature_names)))
        return np.vstack(parts)

    def _contributions_one(self, rows: NDArray[np.float64]) -> NDArray[np.float64]:
        """The TreeSHAP call SHAP makes, pinned to one thread (rows given: one, or a block).

        One row gains nothing from OpenMP, and waking a thread team costs several ms on a busy
        machine (measured in benchmarks/bench_explain.py); SHAP cannot pass ``num_threads``.
        """
        phi = self.booster.predict(rows, pred_contrib=True, num_threads=1)
        return np.asarray(phi, dtype=np.float64)[:, : len(self.feature_names)]

    def _bias(self, matrix: NDArray[np.float64]) -> float:
        """The base value: the constant bias column LightGBM returns with the contributions
        (what SHAP's ``expected_value`` reads for a LightGBM booster)."""
        phi = self.booster.predict(matrix, pred_contrib=True, num_threads=1)
        return float(np.asarray(phi, dtype=np.float64)[0, len(self.feature_names)])


def top_cells(
    contributions: NDArray[np.float64],
    explainable: NDArray[np.bool_],
    top: int,
    direction: Direction,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(row, column) of each account's ``top`` strongest pushes, row-major, strongest first."""
    if direction not in ("up", "down"):
        raise ExplainInputError(f"unknown reason direction {direction!r}: use 'up' or 'down'")
    n_features = contributions.shape[1]
    k = min(max(int(top), 0), n_features)
    if k == 0 or len(contributions) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    # Flip so "stronger" is always larger; features without reasons can never be selected.
    push = np.where(explainable, contributions if direction == "up" else -contributions, 0.0)
    candidates = np.argpartition(-push, k - 1, axis=1)[:, :k] if k < n_features else None
    if candidates is None:
        candidates = np.broadcast_to(np.arange(n_features), push.shape)
    strength = np.take_along_axis(push, candidates, axis=1)
    order = np.argsort(-strength, axis=1, kind="stable")
    columns = np.take_along_axis(candidates, order, axis=1)
    rows, slots = np.nonzero(np.take_along_axis(strength, order, axis=1) > 0)
    return rows.astype(np.intp), columns[rows, slots].astype(np.intp)


def _default_registry() -> Mapping[str, FeatureSpec]:
    """``features.registry.REGISTRY`` (built from the spec modules)."""
    return REGISTRY


def _check_booster(booster: Any, feature_names: tuple[str, ...]) -> None:
    """The booster was trained on exactly these features, in this order."""
    trained = list(booster.feature_name())
    if len(trained) != len(feature_names):
        raise ExplainerError(
            f"booster has {len(trained)} features, explainer was given {len(feature_names)}"
        )
    unnamed = all(name == f"Column_{i}" for i, name in enumerate(trained))
    if not unnamed and trained != list(feature_names):
        raise ExplainerError("feature names differ from the booster's (same names, same order)")


def _medians(reference: Mapping[str, Any]) -> dict[str, float]:
    """Feature -> legitimate median as floats (``models.reference.legitimate_medians`` gives it
    from a stored reference document)."""
    return {name: _as_float(value, name) for name, value in reference.items()}


def _frame_matrix(X: pd.DataFrame, feature_names: tuple[str, ...]) -> NDArray[np.float64]:
    """A feature table's model columns, in model order, as float64 (missing -> NaN)."""
    missing = [name for name in feature_names if name not in X.columns]
    if missing:
        raise ExplainInputError(f"feature table lacks model features: {', '.join(missing)}")
    columns = X[list(feature_names)]
    bad = [n for n in feature_names if not pd.api.types.is_numeric_dtype(columns[n].dtype)]
    if bad:
        raise ExplainInputError(f"model features must be numeric: {', '.join(bad)}")
    return columns.to_numpy(dtype=np.float64, na_value=np.nan)


def _as_float(value: Any, name: str) -> float:
    """A number, or an input error naming the feature."""
    try:
        return np.nan if value is None else float(value)
    except (TypeError, ValueError):
        raise ExplainInputError(f"feature {name!r}: {value!r} is not a number") from None


def _chunks(matrix: NDArray[np.float64], size: int) -> Iterator[NDArray[np.float64]]:
    """Consecutive row blocks of at most ``size`` rows."""
    for start in range(0, len(matrix), size):
        yield matrix[start : start + size]

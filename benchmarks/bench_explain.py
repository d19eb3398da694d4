"""Explainer speed: batch reasons (rows/s, chunked) and one account on demand (ms).

Trains a 300-tree, 31-leaf LightGBM on synthetic values of the first ~40 model features of the
real feature registry (so the reason templates are the real ones), then times
``contributions`` + ``rank`` over 100k rows and ``explain_one`` over 1,000 calls.

    uv run python benchmarks/bench_explain.py [--rows 100000] [--calls 1000]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from features.registry import REGISTRY, model_feature_names
from models.explain_text import stored_reason_text
from models.explainer import Explainer


def synthetic_table(names: list[str], n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Skewed non-negative values with a nonlinear label, so trees grow all their leaves."""
    rng = np.random.default_rng(seed)
    values = rng.lognormal(0, 1, (n, len(names))) * rng.uniform(0.1, 50, len(names))
    values[rng.random(values.shape) < 0.02] = np.nan
    z = np.nan_to_num((np.log1p(values) - 1.5) / 1.2)
    logit = z[:, 0] * z[:, 1] + np.sin(2 * z[:, 2]) + z[:, 3:8].sum(1) * 0.4 - z[:, 8] ** 2 * 0.3
    y = (logit + rng.logistic(size=n) > 0).astype("int64")
    return pd.DataFrame(values, columns=names), y


def train(X: pd.DataFrame, y: np.ndarray, trees: int, leaves: int) -> lgb.Booster:
    """The benchmark model (one thread: deterministic, and robust on a busy 2-core box)."""
    params = {
        "objective": "binary",
        "num_leaves": leaves,
        "learning_rate": 0.05,
        "min_data_in_leaf": 20,
        "seed": 1,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbose": -1,
    }
    return lgb.train(params, lgb.Dataset(X, y), num_boost_round=trees)


def time_batch(explainer: Explainer, X: pd.DataFrame) -> None:
    """SHAP in chunks, vectorized ranking of the top 4 up, then their sentences in en and zh."""
    matrix = explainer.matrix(X)
    start, start_cpu = time.perf_counter(), time.process_time()
    _, contrib = explainer.contributions(matrix)
    shap_s, cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    print(
        f"batch SHAP ({explainer.chunk_rows:,}-row chunks): {len(X):,} rows in {shap_s:.1f} s = "
        f"{len(X) / shap_s:,.0f} rows/s; CPU {cpu_s:.1f} s = {cpu_s / len(X) * 1e3:.2f} ms/row"
    )
    explainer.rank(matrix[:100], contrib[:100])  # warm-up
    start = time.perf_counter()
    reasons = explainer.rank(matrix, contrib, top=4)
    rank_s = time.perf_counter() - start
    total = len(X) / (shap_s + rank_s)
    print(
        f"rank: {rank_s:.2f} s = {len(X) / rank_s:,.0f} rows/s; "
        f"reasons() end to end ~{total:,.0f} rows/s"
    )
    first = reasons[0][0].to_dict()  # stored as data; worded when read
    for lang in ("en", "zh"):
        start = time.perf_counter()
        texts = [stored_reason_text(r.to_dict(), lang) for row in reasons for r in row]
        word_s = time.perf_counter() - start
        print(
            f"wording {lang}: {len(texts):,} reasons in {word_s:.2f} s; "
            f"e.g. {stored_reason_text(first, lang)!r}"
        )


def time_one(explainer: Explainer, X: pd.DataFrame, calls: int) -> None:
    """Latency of explain_one (up and down lists) for a numpy row and a dict row.

    For comparison, SHAP's own call on one row (``contributions``, LightGBM's default threads).
    """
    rows = list(X.to_numpy(np.float64)[:calls, None, :])
    records = X.iloc[:calls].to_dict("records")
    cases: list[tuple[str, Callable[[Any], object], list[Any]]] = [
        ("explain_one, numpy row", lambda r: explainer.explain_one(r[0]), rows),
        ("explain_one, dict row", lambda r: explainer.explain_one(r), records),
        ("shap contributions, 1 row", explainer.contributions, rows),
    ]
    for label, call, inputs in cases:
        call(inputs[0])  # warm-up
        wall, cpu = np.empty(len(inputs)), np.empty(len(inputs))
        for i, row in enumerate(inputs):
            start, start_cpu = time.perf_counter(), time.process_time()
            call(row)
            wall[i], cpu[i] = time.perf_counter() - start, time.process_time() - start_cpu
        ms = wall * 1e3
        print(
            f"{label} ({len(inputs)} calls): median {np.median(ms):.2f} ms, "
            f"p99 {np.percentile(ms, 99):.2f} ms, max {ms.max():.2f} ms; "
            f"CPU per call median {np.median(cpu) * 1e3:.2f} ms"
        )


def main() -> None:
    """Parse options, train, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=40)
    parser.add_argument("--trees", type=int, default=300)
    parser.add_argument("--leaves", type=int, default=31)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()

    names = model_feature_names()[: args.features]
    X_train, y_train = synthetic_table(names, 20_000, seed=1)
    start = time.perf_counter()
    booster = train(X_train, y_train, args.trees, args.leaves)
    print(
        f"model: {booster.num_trees()} trees, {args.leaves} leaves, {len(names)} features; "
        f"trained in {time.perf_counter() - start:.1f} s; cpus {os.cpu_count()}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    reference = X_train[y_train == 0].median().to_dict()
    explainer = Explainer(booster, names, reference, REGISTRY)
    X, _ = synthetic_table(names, args.rows, seed=2)
    time_one(explainer, X, args.calls)
    time_batch(explainer, X)


if __name__ == "__main__":
    main()

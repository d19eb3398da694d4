"""The nightly retrain on a large platform, timed: what ``risk train --labels-from-decisions``
does after the champion is loaded (``risk.service.models.point_in_time_table``: the features of
each decided account as of its decision's run; ``training.stacking.fit_platform_stack``, the
default, and ``training.continued.continue_boosting``: the learning).

A simulated platform of ``--accounts`` accounts; ``--decisions`` decided accounts (labels from
the simulator), spread over ``--runs`` runs one day apart at the end of its history; the
champion is the pipeline's model trained on a 20,000-account platform (not timed). By default
each run's values file is written first, as scoring writes it (not timed; the features as of
the end stand in for every run's) and the retrain reads the decided accounts' rows from them;
``--rebuild`` times the fallback instead (the snapshot's features rebuilt once per run). Prints
each stage's seconds and the load average beside them.

    uv run --frozen python benchmarks/bench_retrain.py --accounts 1000000 --runs 10
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from bench_feedback import train_champion
from scipy.special import logit

from features.build import build_features, resolve_as_of
from features.snapshot import Snapshot
from risk.service.models import point_in_time_table
from risk.store.run_values import ARROW_SUFFIX, read_values_frame, write_run_values
from training.continued import continue_boosting
from training.simulator import SimulationConfig, simulate_platform
from training.stacking import fit_platform_stack


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--decisions", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="no values files: rebuild")
    args = parser.parse_args()
    champion = train_champion(20_000, args.seed)
    started = time.perf_counter()
    snapshot = simulate_platform(SimulationConfig(accounts=args.accounts, seed=args.seed))
    print(f"simulated {args.accounts:,} accounts: {time.perf_counter() - started:.1f} s")
    assert snapshot.labels is not None
    rng = np.random.default_rng(args.seed)
    decided = snapshot.labels.sample(n=args.decisions, random_state=args.seed)
    end = resolve_as_of(snapshot, None)
    days = rng.integers(0, args.runs, size=len(decided))
    decisions = pd.DataFrame(
        {
            "account_id": decided["account_id"].to_numpy(),
            "run_id": [f"run-{d}" for d in days],
            "as_of": [end - pd.Timedelta(days=int(d)) for d in days],
            "decision": np.where(decided["label"].to_numpy() == 1, "confirm", "dismiss"),
            "inclusion_probability": np.nan,
        }
    )
    columns = list(champion.feature_names)
    stored, networks = values_files(snapshot, sorted(set(decisions["run_id"])), args.rebuild)
    print(f"load average before: {_load()}")
    cpu = time.process_time()
    started = time.perf_counter()
    reader = None if args.rebuild else values_reader(stored, networks, columns)
    table = point_in_time_table(snapshot, decisions, reader)
    features_s = time.perf_counter() - started
    features_cpu, cpu = time.process_time() - cpu, time.process_time()
    how = "rebuilt" if args.rebuild else "read from the runs' values files"
    print(f"features of {len(table):,} decided accounts, {how}: {features_s:.1f} s [{_load()}]")
    started = time.perf_counter()
    matrix = champion.matrix(table)
    log_odds = logit(np.clip(champion.calibrated(matrix), 1e-9, 1 - 1e-9))
    stack = fit_platform_stack(
        log_odds,
        matrix,
        table["label"].to_numpy(),
        table["network_id"].to_numpy(),
        columns,
        seed=args.seed,
    )
    stack_s = time.perf_counter() - started
    stack_cpu = time.process_time() - cpu
    print(
        f"stack: weights {stack.stack.champion_weight:.2f} / {stack.stack.platform_weight:.2f},"
        f" {stack_s:.1f} s [{_load()}]"
    )
    print(
        f"nightly retrain, stack (features + fit): {features_s + stack_s:.1f} s"
        f" (CPU {features_cpu:.1f} + {stack_cpu:.1f} s); target 600 s"
    )
    started = time.perf_counter()
    fit = continue_boosting(
        champion,
        table,
        table["label"].to_numpy(),
        table["weight"].to_numpy(dtype=float),
        table["network_id"].to_numpy(),
        seed=args.seed,
    )
    fit_s = time.perf_counter() - started
    print(f"continued boosting: {fit.added_rounds} rounds, {fit_s:.1f} s [{_load()}]")
    print(f"nightly retrain, continue (features + trees): {features_s + fit_s:.1f} s")


def values_reader(
    paths: dict[str, Path], networks: pd.Series, columns: list[str]
) -> Callable[[str, list[str]], pd.DataFrame | None]:
    """What ``risk.service.models.run_values_reader`` does, from files without a store (the
    service reads the networks from the run's score rows, one indexed query per run; here
    they come from the snapshot's features, untimed)."""

    def read(run: str, accounts: list[str]) -> pd.DataFrame | None:
        frame = read_values_frame(paths[run], accounts, columns)
        return frame.assign(network_id=networks.reindex(frame.index).to_numpy())

    return read


def values_files(
    snapshot: Snapshot, runs: list[str], rebuild: bool
) -> tuple[dict[str, Path], pd.Series]:
    """Each run's values file as scoring writes it (features as of the end for every run) and
    each account's network; none of it with ``rebuild``."""
    if rebuild:
        return {}, pd.Series(dtype=str)
    started = time.perf_counter()
    features = build_features(snapshot)
    stored = features.drop(columns=["network_id"]).select_dtypes("number")
    folder = Path(tempfile.mkdtemp(prefix="bench-retrain-"))
    paths = {}
    for run in runs:
        paths[run] = folder / f"{run}{ARROW_SUFFIX}"  # the format runs write
        write_run_values(paths[run], features.index.astype(str), stored, stored.iloc[:, :0])
    print(f"{len(runs)} values files written (not timed): {time.perf_counter() - started:.1f} s")
    return paths, features["network_id"]


if __name__ == "__main__":
    main()

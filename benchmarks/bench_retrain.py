"""The nightly retrain on a large platform, timed: what ``risk train --labels-from-decisions``
does after the champion is loaded (``risk.service.models.point_in_time_table``: the features of
the snapshot as of each decision's run; ``training.continued.continue_boosting``: the new trees).

A simulated platform of ``--accounts`` accounts; ``--decisions`` decided accounts (labels from
the simulator), spread over ``--runs`` runs one day apart at the end of its history (features
are built once per distinct run); the champion is the pipeline's model trained on a 20,000-
account platform (not timed). Prints each stage's seconds and the load average beside them.

    uv run --frozen python benchmarks/bench_retrain.py --accounts 1000000 --runs 10
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd
from bench_feedback import train_champion

from features.build import resolve_as_of
from risk.service.models import point_in_time_table
from training.continued import continue_boosting
from training.simulator import SimulationConfig, simulate_platform


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--decisions", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
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
            "as_of": [end - pd.Timedelta(days=int(d)) for d in days],
            "decision": np.where(decided["label"].to_numpy() == 1, "confirm", "dismiss"),
            "inclusion_probability": np.nan,
        }
    )
    print(f"load average before: {_load()}")
    started = time.perf_counter()
    table = point_in_time_table(snapshot, decisions)
    features_s = time.perf_counter() - started
    print(f"features as of {args.runs} runs ({len(table):,} rows): {features_s:.1f} s [{_load()}]")
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
    print(f"nightly retrain (features + trees): {features_s + fit_s:.1f} s; target 600 s")


if __name__ == "__main__":
    main()

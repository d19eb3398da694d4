"""The feedback loop measured: a world the model never saw learns from its moderators.

A model is trained on the project simulator only (``training.simulator``) and put on a world
written by another generator (``training.altsim``) at a given scheme share. Each day the queue
is the model's top ``--capacity`` undecided accounts, of which ``exploration_share`` are drawn
where the model is least sure (``risk.service.exploration``); simulated moderators decide them
from the world's labels (``--wrong 0.05``: that share of decisions flipped). Each night the loop
learns from every decision so far, by ``--mode``:

- ``none``: the champion as trained (the reference);
- ``recalibrate``: bands recomputed from the decisions (``training.recalibration``, weighted by
  1 / inclusion probability);
- ``retrain``: trees boosted on the decisions from the champion's calibrated log-odds
  (``training.continued``; kept only when they beat the champion on held-back decisions), then
  bands recalibrated;
- ``stack``: a platform model fitted on the decided accounts, stacked on the champion's
  log-odds by weights learnt out of fold (``training.stacking``), then bands recalibrated.

Per day it prints, on the accounts not yet decided: average precision, recall at medium+ and
high+, legitimate accounts at high+, and the precision of that day's queue (P@capacity).
The world's features are computed once as of its end (the days replay one snapshot: the loop's
learning is measured, not the world's growth). ``--plot FILE`` draws AP per day.

    uv run --frozen python benchmarks/bench_feedback.py --accounts 20000 --shares 0.3 0.05 \\
        --modes none recalibrate retrain --days 10 --plot docs/img/feedback_curve.png
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from bench_generalisation import at_scheme_share
from bench_robustness import Platform, _training_table, build_platform
from scipy.special import logit
from sklearn.metrics import average_precision_score

from models.bands import assign_bands, choose_band_thresholds
from models.scorer import RiskScorer
from risk.service.exploration import ExplorationPlan, draw_exploration
from training.altsim import AltSimConfig, simulate_world
from training.config import TrainingConfig
from training.continued import continue_boosting
from training.errors import TrainingDataError
from training.pipeline import fit_on_parts
from training.recalibration import decision_weights
from training.stacking import fit_platform_stack

# The bench learns from 5 decisions of each class on (the service asks for 20): on a 30 %
# platform the queue's top is nearly all schemes, and dismissals come a few a day.
MIN_PER_CLASS = 5


@dataclass
class Loop:
    """One platform's state: the model in service and every decision so far."""

    scorer: RiskScorer
    decided: pd.DataFrame  # account_id, label (as decided), inclusion_probability, day


def train_champion(accounts: int, seed: int) -> RiskScorer:
    """The pipeline's model fitted on the project simulator (no MLflow), as a scorer."""
    snapshot = build_platform(Platform(seed=seed), accounts)
    config = TrainingConfig(seed=seed)
    table, parts, features = _training_table(snapshot, seed)
    fitted = fit_on_parts(table, parts, features, config)
    shipped = fitted.shipped
    print(
        f"champion: trained on the project simulator ({len(table):,} accounts),"
        f" ships {fitted.shipping}"
    )
    return RiskScorer(
        name="bench",
        version="0",
        run_id="",
        model_uri="",
        feature_names=tuple(features),
        thresholds=fitted.thresholds,
        reference={},
        metrics={},
        booster=fitted.classifier.booster_,
        calibrator=shipped.calibrator,
        blend=shipped.blend,
        training_prior=shipped.training_prior,
    )


def world_table(accounts: int, seed: int, share: float) -> pd.DataFrame:
    """The altsim world's labelled feature table at the scheme share asked for."""
    from features.build import resolve_as_of
    from training.data import labelled_features

    snapshot = simulate_world(AltSimConfig(accounts=accounts, seed=seed))
    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, resolve_as_of(snapshot, None))
    return at_scheme_share(table, share, seed=seed)


def day_figures(scorer: RiskScorer, table: pd.DataFrame, decided: set[str]) -> dict[str, float]:
    """AP, recall at medium+/high+ and legitimate at high+ on the accounts not yet decided."""
    rest = table[~table.index.isin(decided)]
    scores = scorer.predict_proba(rest)
    bands = assign_bands(scores, scorer.thresholds)
    y = rest["label"].to_numpy()
    medium_up = np.isin(bands, ("medium", "high", "critical"))
    high_up = np.isin(bands, ("high", "critical"))
    return {
        "ap": float(average_precision_score(y, scores)),
        "recall_medium+": float(medium_up[y == 1].mean()),
        "recall_high+": float(high_up[y == 1].mean()),
        "legit_high+": int(high_up[y == 0].sum()),
    }


def queue_of(
    scorer: RiskScorer, table: pd.DataFrame, decided: set[str], plan: ExplorationPlan, day: int
) -> pd.DataFrame:
    """The day's queue: the top undecided accounts and the exploration picks (with pi)."""
    rest = table[~table.index.isin(decided)]
    scores = pd.Series(scorer.predict_proba(rest), index=rest.index)
    undecided = pd.DataFrame({"account_id": scores.index, "score": scores.to_numpy()}).sort_values(
        "score", ascending=False, ignore_index=True
    )
    undecided["rank"] = np.arange(1, len(undecided) + 1)
    # the bench's queue is the score order (its world has no roles for the priority order)
    top = undecided.head(plan.ordinary)
    picks = draw_exploration(undecided, plan, f"day-{day}", top["account_id"].tolist())
    queue = pd.concat(
        [
            top.assign(inclusion_probability=np.nan),
            picks.merge(undecided[["account_id"]], on="account_id"),
        ],
        ignore_index=True,
    )
    return queue[["account_id", "inclusion_probability"]]


def learn(
    loop: Loop, table: pd.DataFrame, mode: str, targets: tuple[float, ...], seed: int
) -> Loop:
    """The night: recalibrate (and retrain first) from every decision so far."""
    if mode == "none" or loop.decided["label"].nunique() < 2:
        return loop
    rows = table.loc[loop.decided["account_id"]]
    labels = loop.decided["label"].to_numpy(dtype=np.int64)
    weights = decision_weights(loop.decided["inclusion_probability"])
    scorer = loop.scorer
    enough = min(labels.sum(), (labels == 0).sum()) >= MIN_PER_CLASS
    if mode == "retrain" and enough:
        base = replace(scorer, residual=None)
        fit = continue_boosting(
            base,
            rows,
            labels,
            weights,
            rows["network_id"].to_numpy(),
            seed=seed,
            min_per_class=MIN_PER_CLASS,
        )
        # the guard: a challenger worse on the held-back decisions is not served
        scorer = replace(base, residual=fit.booster) if fit.better else base
    if mode == "stack" and enough:
        scorer = stacked(scorer, rows, labels, weights, seed)
    scores = scorer.predict_proba(rows)
    if enough:
        thresholds = choose_band_thresholds(labels, scores, targets, sample_weight=weights)
        scorer = replace(scorer, thresholds=thresholds)
    return Loop(scorer, loop.decided)


def stacked(
    scorer: RiskScorer, rows: pd.DataFrame, labels: np.ndarray, weights: np.ndarray, seed: int
) -> RiskScorer:
    """The champion with a platform model stacked on it, or the champion alone while the
    decisions span too few networks."""
    base = replace(scorer, residual=None, stack=None)
    log_odds = logit(np.clip(base.calibrated(rows), 1e-9, 1 - 1e-9))
    try:
        fit = fit_platform_stack(
            log_odds,
            base.matrix(rows),
            labels,
            rows["network_id"].to_numpy(),
            list(base.feature_names),
            weights=weights,
            seed=seed,
            min_per_class=MIN_PER_CLASS,
        )
    except TrainingDataError:
        return base
    return replace(base, stack=fit.stack)


def run(
    champion: RiskScorer,
    table: pd.DataFrame,
    *,
    mode: str,
    days: int,
    capacity: int,
    share: float,
    wrong: float,
    seed: int,
) -> pd.DataFrame:
    """Every day's figures for one platform and one mode."""
    rng = np.random.default_rng(seed)
    plan = ExplorationPlan(capacity=capacity, share=share, seed=seed)
    loop = Loop(
        champion, pd.DataFrame(columns=["account_id", "label", "inclusion_probability", "day"])
    )
    targets = (0.5, 0.8, 0.95)
    rows = []
    for day in range(1, days + 2):
        decided = set(loop.decided["account_id"])
        figures = day_figures(loop.scorer, table, decided)
        queue = queue_of(loop.scorer, table, decided, plan, day)
        truth = table.loc[queue["account_id"], "label"].to_numpy()
        figures[f"p@{capacity}"] = float(truth.mean())
        rows.append({"day": day, **figures})
        if day > days:
            break  # the day after the last night: measured, not decided
        flip = rng.random(len(truth)) < wrong
        queue = queue.assign(label=np.where(flip, 1 - truth, truth), day=day)
        loop = Loop(loop.scorer, pd.concat([loop.decided, queue], ignore_index=True))
        started = time.perf_counter()
        loop = learn(loop, table, mode, targets, seed + day)
        rows[-1]["night_seconds"] = time.perf_counter() - started
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--train-accounts", type=int, default=20_000)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.3, 0.05])
    parser.add_argument("--modes", nargs="+", default=["none", "recalibrate", "retrain"])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--exploration", type=float, default=0.05)
    parser.add_argument("--wrong", type=float, nargs="+", default=[0.0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world-seed", type=int, default=11)
    parser.add_argument("--plot", default=None)
    parser.add_argument(
        "--from-log", nargs="+", default=None, help="only draw --plot from runs' printed tables"
    )
    args = parser.parse_args()
    if args.from_log:
        plot(tables_from_log(args.from_log), args.plot)
        return
    champion = train_champion(args.train_accounts, args.seed)
    results: dict[str, pd.DataFrame] = {}
    for share in args.shares:
        table = world_table(args.accounts, args.world_seed, share)
        print(
            f"\naltsim world seed {args.world_seed}: {len(table):,} accounts,"
            f" {table['label'].mean():.1%} in schemes"
        )
        for wrong in args.wrong:
            for mode in args.modes:
                started = time.perf_counter()
                days = run(
                    champion,
                    table,
                    mode=mode,
                    days=args.days,
                    capacity=args.capacity,
                    share=args.exploration,
                    wrong=wrong,
                    seed=args.seed,
                )
                name = f"share {share:.0%}, {mode}, {wrong:.0%} wrong"
                results[name] = days
                print(f"\n[{name}] ({time.perf_counter() - started:.0f} s)")
                print(days.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.plot:
        plot(results, args.plot)


def plot(results: dict[str, pd.DataFrame], path: str) -> None:
    """AP on undecided accounts and the queue's precision per day: one row per scheme share,
    one colour per mode, dashed with wrong decisions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shares = sorted({name.split(",")[0] for name in results}, reverse=True)
    figure, axes = plt.subplots(len(shares), 2, figsize=(11, 3.6 * len(shares)), squeeze=False)
    colours = {
        "none": "#555555",
        "recalibrate": "#1f77b4",
        "retrain": "#d62728",
        "stack": "#2ca02c",
    }
    for row, share in enumerate(shares):
        for name, days in results.items():
            if not name.startswith(share + ","):
                continue
            mode = name.split(", ")[1]
            style = "--" if not name.endswith(" 0% wrong") else "-"
            colour = colours.get(mode.split(" ")[0])
            queue = next(c for c in days.columns if c.startswith("p@"))
            for column, axis in ((("ap"), axes[row][0]), (queue, axes[row][1])):
                axis.plot(
                    days["day"],
                    days[column],
                    style,
                    marker="o",
                    ms=3,
                    color=colour,
                    label=name.split(", ", 1)[1],
                )
        axes[row][0].set(
            title=f"{share}: AP on accounts not yet decided", xlabel="day", ylim=(0, 1)
        )
        axes[row][1].set(
            title=f"{share}: precision of the day's queue", xlabel="day", ylim=(0, 1.02)
        )
        axes[row][1].legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"plot: {path}")


def tables_from_log(paths: list[str]) -> dict[str, pd.DataFrame]:
    """The per-day tables a run printed (``[name] (...)`` then a table), by name."""
    import io
    import re

    results: dict[str, pd.DataFrame] = {}
    for path in paths:
        blocks = re.findall(
            r"\n\[(.+?)\] \(\d+ s\)\n(.+?)(?=\n\n|\nplot:|\Z)",
            Path(path).read_text(encoding="utf-8"),
            flags=re.S,
        )
        for name, text in blocks:
            # the table's lines are indented; a load average line after it (uptime indents it
            # too) is not part of it
            rows = "\n".join(
                line
                for line in text.splitlines()
                if line.startswith(" ") and "load average" not in line
            )
            results[name] = pd.read_csv(io.StringIO(rows), sep=r"\s+")
    return results


if __name__ == "__main__":
    main()

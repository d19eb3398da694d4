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
  Variants (words in the mode's name, measured in docs/feedback.md): ``bynetwork`` (the
  weights judged out of fold by network, as before), ``guard`` (a stack whose out-of-fold AP
  is below the champion's is not served, as the service refuses it), ``big`` (16 leaves, 400
  rounds from 500 decisions), ``platform`` (the platform model alone), ``clean`` (decisions
  the platform model contradicts out of fold at odds of 20:1 or more left out, from 200 on),
  ``net`` (the decisions spread through network and branch added as evidence:
  ``spread_evidence``; needs the decisions at scoring time, which the service's scoring does
  not read);
- ``weight``: the weighting alternative: LightGBM refitted each night on the champion's
  simulator table and the decided accounts (weighing as much in all as the table).

Every row also prints the stack's weights (``a`` champion, ``b`` platform model) that served
that day.

Per day it prints, on the accounts not yet decided: average precision, recall at medium+ and
high+, legitimate accounts at high+, and the precision of that day's queue (P@capacity).
The world's features are computed once as of its end (the days replay one snapshot: the loop's
learning is measured, not the world's growth). ``--plot FILE`` draws AP per day.

    uv run --frozen python benchmarks/bench_feedback.py --accounts 20000 --shares 0.3 \\
        --modes none stack --wrong 0 0.05
    uv run --frozen python benchmarks/bench_feedback.py --accounts 100000 --shares 0.05 \\
        --modes none stack --wrong 0 0.05
    uv run --frozen python benchmarks/bench_feedback.py --from-log LOG... --plot FILE.png

At 5 % schemes the world needs ~100,000 generated accounts (~66,000 after the cut, ~3,300
scheme accounts in ~50 networks): at 20,000 (702 scheme accounts in 10 networks) the 1,000
decisions of ten days leave too few scheme accounts undecided to measure AP on.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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
    # mode stack-net: weights of the decisions spread through network and branch (evidence
    # added to the stacked log-odds at scoring); None: not used
    spread: tuple[float, float] | None = None
    weights: tuple[float, float] = (float("nan"), float("nan"))  # the stack's, for the log
    # mode weight: a model retrained on the simulator's table and the decisions, weighted
    model: Any = None


def spread_evidence(table: pd.DataFrame, decided: pd.DataFrame, accounts: pd.Index) -> np.ndarray:
    """For each of ``accounts``: log((confirmed + 0.5) / (dismissed + 0.5)) among the decided
    accounts of its network and of its branch, the account's own decision left out (what an
    undecided account of that network will see)."""
    labels = decided.drop_duplicates("account_id", keep="last").set_index("account_id")["label"]
    columns = []
    for key in ("network_id", "branch_id"):
        group = table.loc[labels.index, key]
        confirmed = labels.groupby(group.to_numpy()).sum()
        counted = labels.groupby(group.to_numpy()).size()
        keys = table.loc[accounts, key].to_numpy()
        c = pd.Series(keys).map(confirmed).fillna(0).to_numpy(dtype=float)
        n = pd.Series(keys).map(counted).fillna(0).to_numpy(dtype=float)
        own = labels.reindex(accounts)
        c = c - own.fillna(0).to_numpy(dtype=float)
        n = n - own.notna().to_numpy(dtype=float)
        columns.append(np.log((c + 0.5) / (n - c + 0.5)))
    return np.column_stack(columns)


def loop_scores(loop: Loop, table: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """The loop's scores of ``rows``: the scorer's, plus the decisions' spread in stack-net."""
    if loop.model is not None:
        return np.asarray(loop.model.predict(loop.scorer.matrix(rows)))
    scores = loop.scorer.predict_proba(rows)
    if loop.spread is None:
        return np.asarray(scores)
    from scipy.special import expit

    evidence = spread_evidence(table, loop.decided, rows.index)
    log_odds = logit(np.clip(scores, 1e-9, 1 - 1e-9)) + evidence @ np.array(loop.spread)
    return np.asarray(expit(log_odds))


@dataclass(frozen=True)
class Prior:
    """What the champion was trained on (mode ``weight`` retrains on it with the decisions)."""

    matrix: np.ndarray
    labels: np.ndarray


PRIOR: list[Prior] = []  # filled by train_champion


def train_champion(accounts: int, seed: int) -> RiskScorer:
    """The pipeline's model fitted on the project simulator (no MLflow), as a scorer."""
    snapshot = build_platform(Platform(seed=seed), accounts)
    config = TrainingConfig(seed=seed)
    table, parts, features = _training_table(snapshot, seed)
    fitted = fit_on_parts(table, parts, features, config)
    PRIOR.append(
        Prior(table[features].to_numpy(np.float64), table["label"].to_numpy(dtype=np.int64))
    )
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
    from features.build import branch_heads, resolve_as_of
    from training.data import labelled_features

    snapshot = simulate_world(AltSimConfig(accounts=accounts, seed=seed))
    assert snapshot.labels is not None
    as_of = resolve_as_of(snapshot, None)
    table = labelled_features(snapshot, snapshot.labels, as_of)
    table = table.join(branch_heads(snapshot, as_of))
    return at_scheme_share(table, share, seed=seed)


def day_figures(loop: Loop, table: pd.DataFrame, decided: set[str]) -> dict[str, float]:
    """AP, recall at medium+/high+ and legitimate at high+ on the accounts not yet decided."""
    rest = table[~table.index.isin(decided)]
    scores = loop_scores(loop, table, rest)
    bands = assign_bands(scores, loop.scorer.thresholds)
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
    loop: Loop, table: pd.DataFrame, decided: set[str], plan: ExplorationPlan, day: int
) -> pd.DataFrame:
    """The day's queue: the top undecided accounts and the exploration picks (with pi)."""
    rest = table[~table.index.isin(decided)]
    scores = pd.Series(loop_scores(loop, table, rest), index=rest.index)
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
    loop = replace(loop, spread=None, weights=(float("nan"), float("nan")))
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
    if mode.startswith("stack") and enough:
        scorer = stacked(
            scorer,
            rows,
            labels,
            weights,
            seed,
            guard="guard" in mode,
            big="big" in mode,
            by_network="bynetwork" in mode,
            clean="clean" in mode,
            platform_only="platform" in mode,
        )
        if scorer.stack is not None:
            loop = replace(
                loop, weights=(scorer.stack.champion_weight, scorer.stack.platform_weight)
            )
    loop = replace(loop, scorer=scorer)
    if mode == "weight" and enough:
        loop = replace(loop, model=weighted_model(loop.scorer, rows, labels, seed))
    if mode == "stack-net" and enough:
        loop = replace(loop, spread=spread_weights(loop, table, rows, labels))
    scores = loop_scores(loop, table, rows)
    if enough:
        thresholds = choose_band_thresholds(labels, scores, targets, sample_weight=weights)
        loop = replace(loop, scorer=replace(loop.scorer, thresholds=thresholds))
    return loop


# The weighting alternative: the simulator's accounts and the decided ones in one LightGBM
# fit, the decisions weighing as much in all as the simulator's table (a decided account of the
# platform counts for many simulated ones), the legal directions as constraints.
WEIGHT_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}


def weighted_model(scorer: RiskScorer, rows: pd.DataFrame, labels: np.ndarray, seed: int) -> Any:
    """LightGBM retrained on the champion's training table plus the decided accounts."""
    import lightgbm as lgb

    from training.stacking import _monotone

    prior = PRIOR[0]
    decided = scorer.matrix(rows)
    share = len(prior.labels) / max(len(labels), 1)
    params = {**WEIGHT_PARAMS, "seed": seed, **_monotone(list(scorer.feature_names))}
    data = lgb.Dataset(
        np.vstack([prior.matrix, decided]),
        np.concatenate([prior.labels, labels]),
        weight=np.concatenate([np.ones(len(prior.labels)), np.full(len(labels), share)]),
    )
    return lgb.train(params, data, num_boost_round=300)


def out_of_fold_log_odds(scorer: RiskScorer, rows: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    """The decided accounts' stacked log-odds with the platform model out of fold by network
    (in-sample it knows their labels, and the spread's weights would come out 0)."""
    from training.stacking import PLATFORM_PARAMS, _monotone, _out_of_fold

    base = replace(scorer, stack=None, residual=None)
    champion = logit(np.clip(base.calibrated(rows), 1e-9, 1 - 1e-9))
    if scorer.stack is None:
        return np.asarray(champion)
    names = list(scorer.feature_names)
    params = {**PLATFORM_PARAMS, "seed": 0, **_monotone(names)}
    platform = _out_of_fold(params, base.matrix(rows), labels, rows["network_id"].to_numpy())
    stack = scorer.stack
    return np.asarray(
        stack.champion_weight * champion + stack.platform_weight * platform + stack.intercept
    )


def spread_weights(
    loop: Loop, table: pd.DataFrame, rows: pd.DataFrame, labels: np.ndarray
) -> tuple[float, float] | None:
    """Non-negative weights of the network and branch evidence on top of the stacked log-odds
    (an offset), a logistic regression on the decided accounts (their own decision left out
    of the evidence)."""
    from scipy.optimize import minimize

    offset = out_of_fold_log_odds(loop.scorer, rows, labels)
    evidence = spread_evidence(table, loop.decided, rows.index)

    def loss(theta: np.ndarray) -> float:
        z = offset + evidence @ theta[:2] + theta[2]
        return float(np.mean(np.logaddexp(0, z) - labels * z))

    fit = minimize(loss, np.zeros(3), bounds=[(0, None), (0, None), (None, None)])
    return float(fit.x[0]), float(fit.x[1])


def stacked(
    scorer: RiskScorer,
    rows: pd.DataFrame,
    labels: np.ndarray,
    weights: np.ndarray,
    seed: int,
    *,
    guard: bool = False,
    big: bool = False,
    by_network: bool = False,
    platform_only: bool = False,
    clean: bool = False,
) -> RiskScorer:
    """The champion with a platform model stacked on it, or the champion alone while the
    decisions span too few networks. ``guard``: as the service does, a stack whose
    out-of-fold AP is below the champion's is not served (the night's model stays).
    ``big``: a larger platform model (16 leaves, 400 rounds) once 500 accounts are decided."""
    import training.stacking as stacking

    base = replace(scorer, residual=None, stack=None)
    log_odds = logit(np.clip(base.calibrated(rows), 1e-9, 1 - 1e-9))
    saved = dict(stacking.PLATFORM_PARAMS), stacking.ROUNDS
    if big and len(labels) >= 500:
        stacking.PLATFORM_PARAMS["num_leaves"] = 16
        stacking.ROUNDS = 400
    if clean and len(labels) >= 200:
        # a decision the platform model, out of fold, contradicts with odds of 20:1 or more
        # (a confirmed network's member dismissed, say) is left out as a likely mistake
        params = {**stacking.PLATFORM_PARAMS, "seed": seed}
        params.update(stacking._monotone(list(base.feature_names)))
        folds = stacking._account_folds(len(labels), seed)
        guess = stacking._out_of_fold(params, base.matrix(rows), labels, folds)
        kept = ~(((labels == 1) & (guess < -3.0)) | ((labels == 0) & (guess > 3.0)))
        rows, labels, weights, log_odds = rows[kept], labels[kept], weights[kept], log_odds[kept]
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
            folds_by="network" if by_network else "account",
        )
    except TrainingDataError:
        return scorer if guard else base
    finally:
        stacking.PLATFORM_PARAMS.clear()
        stacking.PLATFORM_PARAMS.update(saved[0])
        stacking.ROUNDS = saved[1]
    evidence = fit.evidence
    champion, challenger = (
        evidence["champion_average_precision"],
        evidence["challenger_average_precision"],
    )
    if guard and champion is not None and challenger is not None and challenger < champion:
        return scorer
    if platform_only:
        return replace(base, stack=replace(fit.stack, champion_weight=0.0, platform_weight=1.0))
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
        figures = day_figures(loop, table, decided)
        queue = queue_of(loop, table, decided, plan, day)
        truth = table.loc[queue["account_id"], "label"].to_numpy()
        figures[f"p@{capacity}"] = float(truth.mean())
        a, b = loop.weights
        rows.append({"day": day, **figures, "a": a, "b": b})
        if day > days:
            break  # the day after the last night: measured, not decided
        flip = rng.random(len(truth)) < wrong
        queue = queue.assign(label=np.where(flip, 1 - truth, truth), day=day)
        loop = replace(loop, decided=pd.concat([loop.decided, queue], ignore_index=True))
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
            # a loop read from an earlier experiment's log (exp_*.log) in orange
            earlier = "(exp_" in mode and not mode.startswith("none")
            colour = "#ff7f0e" if earlier else colours.get(mode.split(" ")[0])
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
    origin: dict[str, str] = {}
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
            table = pd.read_csv(io.StringIO(rows), sep=r"\s+")
            if name in results:  # the same loop in two logs: each named by its log too
                first = origin.pop(name)
                results[_named(name, first)] = results.pop(name)
                name = _named(name, Path(path).stem)
            origin[name] = Path(path).stem
            results[name] = table
    return results


def _named(name: str, log: str) -> str:
    """``share 5%, stack, 0% wrong`` -> ``share 5%, stack (log), 0% wrong``."""
    share, mode, wrong = name.split(", ")
    return f"{share}, {mode} ({log}), {wrong}"


if __name__ == "__main__":
    main()

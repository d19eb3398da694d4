"""Does the risk model carry over to a world it was not written for?

    uv run python benchmarks/bench_generalisation.py                  # ~1-2 min on 2 cores
    uv run python benchmarks/bench_generalisation.py --explain 100    # + SHAP on its mistakes
    uv run python benchmarks/bench_generalisation.py --platforms alt_seed_11 --no-reverse
    uv run python benchmarks/bench_generalisation.py --speed          # generator speed only
    uv run python benchmarks/bench_generalisation.py --free --train-seed 2  # no legal constraints
    uv run python benchmarks/bench_generalisation.py --bands 0.05    # band meaning, prior shift
    uv run python benchmarks/bench_generalisation.py --platforms third_seed_7  # third generator

Trains the project's model exactly as bench_robustness.py does (60,000 accounts of the project
simulator, seed 1 or ``--train-seed``; ``training.splits.network_parts``;
``training.pipeline.fit_on_parts``, with its legal monotone constraints unless ``--free``; the
logistic baseline; the rules-only indicator score), then scores whole platforms of the
independently written generator (``training.altsim``): other seeds, a low scheme share, a
longer and a shorter history. Prints ROC AUC / average precision / precision among the top k
for the model, the logistic regression and the rules, and the model's pair AUC per altsim
family and role. The reverse direction trains the same way on an altsim world and scores the
project simulator; the in-distribution reference trains on altsim and tests on its held-out
networks and other altsim seeds. ``--explain K`` prints, per platform, the families of the
false alarms in the model's top K and of the misses (scheme accounts scored below the K-th
highest legitimate account), with the features behind them (mean TreeSHAP, log-odds).
``--speed`` times the generator alone on 50,000 and 100,000 accounts. ``--bands SHARE`` prints,
per platform at its own scheme share and at SHARE (scheme networks subsampled), what the bands
mean before and after the prior-shift correction of the scoring run (``models.prior_shift``).
``--platforms third_seed_N`` (any N) names a platform of the third generator
(``training.thirdsim``, which neither training simulator's code informed): the model is trained
as ``risk train`` does by default (the project simulator plus habit worlds of both simulators;
``--worlds`` to change their number) and the platform is scored at 30 % and 5 % scheme share,
with recall at medium+ per family and per role.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from bench_robustness import (
    Platform,
    Structure,
    add_structure_options,
    build_platform,
    evaluate,
    shifted_table,
    structure_of,
    structured,
)
from sklearn.metrics import average_precision_score

from features.snapshot import Snapshot
from training.altsim import AltSimConfig, simulate_world
from training.worlds import WorldSpec, cut_as_of, prior_worlds, without_grafts
from training.worlds import at_scheme_share as world_at_share

ALTSIM: dict[str, AltSimConfig] = {
    "alt_seed_11": AltSimConfig(accounts=40_000, seed=11),
    "alt_seed_12": AltSimConfig(accounts=40_000, seed=12),
    "alt_seed_13": AltSimConfig(accounts=40_000, seed=13),
    "alt_schemes_0.1": AltSimConfig(accounts=40_000, seed=14, scheme_share=0.1),
    "alt_span_730d": AltSimConfig(accounts=40_000, seed=15, span_days=730),
    "alt_span_180d": AltSimConfig(accounts=40_000, seed=16, span_days=180),
}
PROJECT: dict[str, Platform] = {"sim_seed_2": Platform(seed=2), "sim_seed_3": Platform(seed=3)}
THIRD = re.compile(r"third_seed_(\d+)")  # a platform of training.thirdsim, by its seed


def platform_name(name: str) -> str:
    """An altsim platform of ``ALTSIM`` or a third-generator platform ``third_seed_N``."""
    if name in ALTSIM or THIRD.fullmatch(name):
        return name
    raise argparse.ArgumentTypeError(f"{name}: not one of {', '.join(ALTSIM)} or third_seed_N")


@dataclass(frozen=True)
class Trained:
    """A model trained like ``bench_robustness.train``, with what the explainer needs."""

    scorers: dict[str, Callable[..., np.ndarray]]
    test: pd.DataFrame  # the training world's held-out networks
    booster: object
    features: list[str]
    medians: dict[str, float]
    thresholds: dict[str, float]
    training_prior: float


def train_on(
    snapshot: Snapshot,
    seed: int = 7,
    free: bool = False,
    structure: Structure = Structure(),
    worlds: Sequence[WorldSpec] = (),
    overrides: dict[str, object] | None = None,
    members: int = 1,
) -> Trained:
    """Fit on one labelled world (and the generated ``worlds``) as ``bench_robustness.train``
    does (no MLflow)."""
    from bench_robustness import fit_world, unconstrained

    from models.reference import build_reference, legitimate_medians
    from training.config import TrainingConfig

    fitted = fit_world(
        snapshot,
        TrainingConfig(
            seed=seed, classifier={**unconstrained(free), **(overrides or {})}, members=members
        ),
        structure,
        worlds,
    )
    train_rows, features = fitted.train, fitted.features
    matrix = train_rows[features].to_numpy(dtype=np.float64)
    labels = train_rows["label"].to_numpy()
    reference = build_reference(matrix, features, labels, fitted.scorers["model"](train_rows))
    medians = legitimate_medians(reference)
    return Trained(
        fitted.scorers,
        fitted.test,
        fitted.booster,
        features,
        medians,
        fitted.thresholds,
        fitted.training_prior,
    )


def altsim_table(config: AltSimConfig, structure: Structure = Structure()) -> pd.DataFrame:
    """The labelled feature table of a whole generated world (every account unseen)."""
    from features.build import resolve_as_of
    from training.data import labelled_features

    snapshot = simulate_world(config)
    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, resolve_as_of(snapshot, None))
    return structured(table, structure)


def _mistakes(trained: Trained, table: pd.DataFrame, k: int) -> dict[str, pd.DataFrame]:
    """Three kinds of mistake: legitimate accounts in the top k (what moderators would see),
    legitimate accounts above the median scheme account (what costs AUC at the top), and
    scheme accounts below the 90th percentile of legitimate ones (the misses)."""
    scores = trained.scorers["model"](table)
    label = table["label"].to_numpy()
    top = np.argsort(-scores, kind="stable")[:k]
    scheme_median = np.median(scores[label == 1])
    legit_p90 = np.quantile(scores[label == 0], 0.9)
    return {
        f"false alarms in the top {k}": table.iloc[top][label[top] == 0],
        "legitimate above the median scheme account": table[
            (label == 0) & (scores > scheme_median)
        ],
        "schemes below the 90th-percentile legitimate": table[(label == 1) & (scores < legit_p90)],
    }


def explain(trained: Trained, name: str, table: pd.DataFrame, k: int) -> None:
    """Per kind of mistake: how many per family and role, and the features pushing them
    (mean TreeSHAP contribution in log-odds, with the median value of the feature)."""
    from models.explainer import Explainer

    explainer = Explainer(trained.booster, trained.features, trained.medians)  # type: ignore[arg-type]
    top = table.iloc[np.argsort(-trained.scorers["model"](table), kind="stable")[:k]]
    print(f"\n  {name}: top {k} by family: {top['family'].value_counts().to_dict()}")
    for kind, rows in _mistakes(trained, table, k).items():
        print(f"\n  {name}: {kind}: {len(rows):,} accounts")
        if rows.empty:
            continue
        print("   ", rows.groupby(["family", "role"]).size().sort_values().tail(5).to_dict())
        sample = rows.sample(min(len(rows), 2000), random_state=0)
        mean = pd.Series(explainer.contributions(sample)[1].mean(axis=0), index=trained.features)
        push = mean.sort_values(ascending=kind.startswith("schemes")).head(5)
        values = sample[push.index].median()
        print("    mean contribution (median value):")
        for feature, value in push.items():
            print(f"      {feature:45s} {value:+.2f}  ({values[feature]:.3g})")


def at_scheme_share(table: pd.DataFrame, share: float, seed: int = 0) -> pd.DataFrame:
    """The platform with only ``share`` of its accounts in schemes: every legitimate account,
    and the scheme accounts of whole scheme networks drawn at random (the last one cut short)
    until the share is reached. Features stay as computed on the whole world."""
    label = table["label"].to_numpy()
    legitimate, schemes = table[label == 0], table[label == 1]
    wanted = round(share * len(legitimate) / (1.0 - share))
    if wanted >= len(schemes):
        return table
    networks = schemes["network_id"].drop_duplicates().sample(frac=1.0, random_state=seed)
    order = pd.Categorical(schemes["network_id"], categories=networks.to_numpy(), ordered=True)
    kept = schemes.iloc[np.argsort(order.codes, kind="stable")[:wanted]]
    return pd.concat([legitimate, kept])


def band_meaning(trained: Trained, table: pd.DataFrame) -> dict[str, float]:
    """What the bands mean on a platform, before and after the prior-shift correction
    (``models.prior_shift``: EM estimate of the platform's scheme share, posteriors adjusted):
    the share of scheme accounts at high or above, of legitimate accounts at medium or above,
    and the precision of medium+, high+ and critical."""
    from models.bands import assign_bands
    from models.prior_shift import adjust_posteriors, estimate_prior_em

    y = table["label"].to_numpy()
    scores = trained.scorers["model"](table)
    started = time.perf_counter()
    estimate = estimate_prior_em(scores, trained.training_prior)
    adjusted = adjust_posteriors(scores, trained.training_prior, estimate.prior)
    seconds = time.perf_counter() - started
    row = {"share": y.mean(), "est": estimate.prior, "em_iter": estimate.iterations}
    for when, values in (("before", scores), ("after", adjusted)):
        bands = assign_bands(values, trained.thresholds)
        high, medium = np.isin(bands, ("high", "critical")), bands != "low"
        row[f"{when}:S@high+"] = high[y == 1].mean()
        row[f"{when}:S@med+"] = medium[y == 1].mean()
        row[f"{when}:L@med+"] = medium[y == 0].mean()
        for name, chosen in (("med+", medium), ("high+", high), ("crit", bands == "critical")):
            row[f"{when}:P({name})"] = y[chosen].mean() if chosen.any() else float("nan")
    row["em_ms"] = seconds * 1000
    return row


def bands_table(
    title: str, trained: Trained, tables: dict[str, pd.DataFrame], share: float
) -> None:
    """Band meaning per platform at its own scheme share and at ``share``."""
    rows = {}
    for name, table in {"held_out_networks": trained.test, **tables}.items():
        rows[name] = band_meaning(trained, table)
        rows[f"{name} @{share:.0%}"] = band_meaning(trained, at_scheme_share(table, share))
    shown = ", ".join(f"{band} >= {value:.3f}" for band, value in trained.thresholds.items())
    print(f"\n{title}: bands before / after the prior-shift correction (training share")
    print(f"{trained.training_prior:.3f}; bands {shown}); S = scheme, L = legitimate accounts")
    print("at high+ / medium+; P(band) = precision; est = EM estimate of the scheme share")
    frame = pd.DataFrame(rows).T
    print(frame.to_string(float_format=lambda v: f"{v:.3f}"))


def _print(title: str, rows: dict[str, dict[str, float]], k: int) -> None:
    pd.set_option("display.width", 220)
    print(f"\n{title} -> model | logistic regression | rules-only (k = {k})")
    print(pd.DataFrame(rows).T.to_string(float_format=lambda v: f"{v:.3f}"))


def _pairs(title: str, pairs: dict[str, pd.Series]) -> None:
    """Slices as rows, platforms as columns; one table per world (its own families)."""
    frame = pd.DataFrame(pairs)
    worlds: dict[frozenset[str], list[str]] = {}
    for platform in frame.columns:
        worlds.setdefault(frozenset(frame[platform].dropna().index), []).append(platform)
    for slices, platforms in worlds.items():
        print(f"\n{title}: model pair AUC per family / role")
        table = frame.loc[[s for s in frame.index if s in slices], platforms]
        print(table.to_string(float_format=lambda v: f"{v:.3f}"))


def _score_all(
    trained: Trained, tables: dict[str, pd.DataFrame], k: int, explain_k: int
) -> tuple[dict[str, dict[str, float]], dict[str, pd.Series]]:
    rows, pairs = {}, {}
    rows["held_out_networks"], pairs["held_out_networks"] = evaluate(
        trained.test, trained.scorers, k
    )
    for name, table in tables.items():
        rows[name], pairs[name] = evaluate(table, trained.scorers, k)
        if explain_k:
            explain(trained, name, table, explain_k)
    return rows, pairs


def speed() -> None:
    """Seconds and peak memory to generate worlds of 50,000 and 100,000 accounts."""
    import resource

    for accounts in (50_000, 100_000):
        started = time.perf_counter()
        snapshot = simulate_world(AltSimConfig(accounts=accounts, seed=1))
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"altsim {accounts:,} target: {len(snapshot.accounts):,} accounts, "
            f"{len(snapshot.orders):,} orders, {len(snapshot.commissions):,} commissions "
            f"in {seconds:.1f} s (peak RSS so far {peak:,.0f} MB)"
        )


SHARES = (0.30, 0.05)  # the simulators' scheme share, and a real platform's
DRAWS = 3  # random choices of the kept scheme networks at a low share
EARLY = {"30d": (15, 45), "60d": (45, 75)}  # scheme network age at the snapshot, in days
EARLY_CUTS = (0.45, 0.6, 0.75, 0.9)  # the snapshots an early scheme is caught in


def banded(trained: Trained, scores: np.ndarray, mode: str | None = None) -> np.ndarray:
    """Bands as the scoring run gives them in ``mode`` (default: the run's default): with
    ``em`` the prior-shift correction first."""
    from models.bands import assign_bands
    from models.prior_shift import adjust_posteriors, estimate_prior_em
    from risk.scoring.prior import DEFAULT_PRIOR_SHIFT, EM

    if (mode or DEFAULT_PRIOR_SHIFT) != EM:
        return assign_bands(scores, trained.thresholds)
    estimate = estimate_prior_em(scores, trained.training_prior)
    if estimate.converged:
        scores = adjust_posteriors(scores, trained.training_prior, estimate.prior)
    return assign_bands(scores, trained.thresholds)


def band_recalls(table: pd.DataFrame, bands: np.ndarray) -> dict[str, float]:
    """At medium+ and high+: recall of scheme accounts, of organizers + recruiters, the
    worst scheme family's recall, and the share of legitimate accounts flagged."""
    y = table["label"].to_numpy()
    medium, high = bands != "low", np.isin(bands, ("high", "critical"))
    row = {"S@med+": medium[y == 1].mean(), "S@high+": high[y == 1].mean()}
    if "role" in table.columns:
        acting = table["role"].isin(("organizer", "recruiter")).to_numpy() & (y == 1)
        row["OR@med+"] = medium[acting].mean() if acting.any() else float("nan")
    if "family" in table.columns:
        scheme = table[y == 1].assign(flagged=medium[y == 1])
        per_family = scheme.groupby("family")["flagged"].mean()
        row["worst_family@med+"] = per_family.min()
        row["worst_family"] = per_family.idxmin()  # type: ignore[assignment]
    row["L@med+"] = medium[y == 0].mean()
    if "family" in table.columns:
        # the lawful family the bands flag most (on the third generator: franchises)
        legit = table[y == 0].assign(flagged=medium[y == 0])
        per_legit = legit.groupby("family")["flagged"].mean()
        row["worst_legit@med+"] = per_legit.max()
        row["worst_legit"] = per_legit.idxmax()  # type: ignore[assignment]
    return row


def oracle_recall(y: np.ndarray, scores: np.ndarray, flagged_legit: float = 0.01) -> float:
    """Recall of scheme accounts above the score that ``flagged_legit`` of the legitimate
    accounts exceed: what the best possible ``medium`` cut with that many false alarms would
    catch (an upper bound for the bands, from the labels)."""
    cut = np.quantile(scores[y == 0], 1.0 - flagged_legit)
    return float(np.mean(scores[y == 1] > cut))


def loso_row(trained: Trained, table: pd.DataFrame, k: int) -> dict[str, float]:
    """The issue's figures for one scored platform."""
    from training.metrics import ranking_metrics

    scores = trained.scorers["model"](table)
    y = table["label"].to_numpy()
    ranking = ranking_metrics(y, scores, table["network_id"].to_numpy(), k)
    row = {
        "share": y.mean(),
        "AUC": ranking["roc_auc"],
        "AP": ranking["average_precision"],
        f"P@{k}": ranking[f"precision_at_{k}"],
        "R@L1%": oracle_recall(y, np.asarray(scores, dtype=np.float64)),
    }
    # the baselines the champion must not lose to (issue 15): their AP beside the model's
    for name, column in (("logistic", "LR_AP"), ("rules", "rules_AP")):
        if name in trained.scorers:
            baseline = np.asarray(trained.scorers[name](table), dtype=np.float64)
            row[column] = average_precision_score(y, baseline)
    return {**row, **band_recalls(table, banded(trained, scores))}


def _mean_row(rows: list[dict[str, float]]) -> dict[str, float]:
    """The mean of each figure over draws (the worst family: the one named most often)."""
    frame = pd.DataFrame(rows)
    names = [c for c in ("worst_family", "worst_legit") if c in frame.columns]
    mean = frame.drop(columns=names).mean().to_dict()
    for name in names:
        mean[name] = frame[name].mode().iloc[0]
    return mean


def per_family(trained: Trained, table: pd.DataFrame) -> pd.Series:
    """Recall at medium+ per scheme family."""
    bands = banded(trained, trained.scorers["model"](table))
    y = table["label"].to_numpy()
    scheme = table[y == 1].assign(flagged=(bands != "low")[y == 1])
    return scheme.groupby("family")["flagged"].mean()


def early_recall(trained: Trained, snapshot: Snapshot) -> dict[str, float]:
    """Recall at medium+ of scheme accounts whose network was about 30 and 60 days old when
    the snapshot was taken, over snapshots cut at several points of the history."""
    from features.build import build_features

    labels = snapshot.labels
    assert labels is not None
    label = labels.set_index("account_id")["label"]
    caught: dict[str, list[np.ndarray]] = {name: [] for name in EARLY}
    for cut in EARLY_CUTS:
        as_of = cut_as_of(snapshot, cut)
        table = build_features(snapshot, as_of)
        table = table.assign(label=label.reindex(table.index).fillna(0).astype(int))
        joined = snapshot.accounts.set_index("account_id")["joined_at"].reindex(table.index)
        started = joined.groupby(table["network_id"].to_numpy()).transform("min")
        age = (as_of - started).dt.days.to_numpy()
        medium = banded(trained, trained.scorers["model"](table)) != "low"
        scheme = table["label"].to_numpy() == 1
        for name, (low, high) in EARLY.items():
            chosen = scheme & (age >= low) & (age < high)
            caught[name].append(medium[chosen])
    return {f"early_{n}@med+": float(np.concatenate(v).mean()) for n, v in caught.items()} | {
        f"early_{n}_accounts": float(sum(len(x) for x in v)) for n, v in caught.items()
    }


def loso(
    title: str,
    trained: Trained,
    platforms: dict[str, Snapshot],
    k: int,
    early: bool,
) -> None:
    """Held-out networks of the training world, then each unseen platform at each scheme
    share: the issue's table, the recall per family, and the early snapshots."""
    rows = {"held_out_networks": loso_row(trained, trained.test, k)}
    families = {}
    for name, snapshot in platforms.items():
        for share in SHARES:
            # a low share keeps a few scheme networks: average over DRAWS random choices of them
            draws = [
                labelled_platform(world_at_share(snapshot, share, np.random.default_rng(seed)))
                for seed in range(1 if share >= 0.1 else DRAWS)
            ]
            rows[f"{name} @{share:.0%}"] = _mean_row([loso_row(trained, t, k) for t in draws])
            families[f"{name} @{share:.0%}"] = pd.concat(
                [per_family(trained, t) for t in draws], axis=1
            ).mean(axis=1)
        if early:
            rows[f"{name} @{SHARES[0]:.0%}"].update(
                early_recall(trained, world_at_share(snapshot, SHARES[0], np.random.default_rng(0)))
            )
    pd.set_option("display.width", 250)
    print(f"\n{title}: leave-one-simulator-out (bands as the run's default prior shift gives them)")
    print(pd.DataFrame(rows).T.to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"\n{title}: recall at medium+ per scheme family")
    print(pd.DataFrame(families).to_string(float_format=lambda v: f"{v:.3f}"))


def labelled_platform(snapshot: Snapshot) -> pd.DataFrame:
    """The labelled feature table of a whole platform as of its latest event."""
    from features.build import resolve_as_of
    from training.data import labelled_features

    assert snapshot.labels is not None
    return labelled_features(snapshot, snapshot.labels, resolve_as_of(snapshot, None))


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    """``--classifier name=value`` pairs as RiskClassifier overrides (numbers parsed)."""
    found: dict[str, object] = {}
    for pair in args.classifier:
        name, _, value = pair.partition("=")
        found[name] = float(value) if "." in value else int(value)
    return found


def _worlds(args: argparse.Namespace, count: int, seed: int) -> tuple[WorldSpec, ...]:
    """The habit worlds as ``risk train`` draws them (``--no-grafts``: nothing grafted)."""
    worlds = prior_worlds(count, args.world_accounts, seed)
    return without_grafts(worlds) if args.no_grafts else worlds


def loso_main(args: argparse.Namespace) -> None:
    """Train on one simulator (with ``--worlds`` habit-randomised worlds of the same one),
    score the other; both directions."""
    from training.simulator import SimulationConfig, simulate_platform

    started = time.perf_counter()
    altsim = {n: simulate_world(ALTSIM[n]) for n in args.platforms}
    project = {n: build_platform(p, 40_000) for n, p in PROJECT.items() if n in args.project}
    for generator, tests in (("project", altsim), ("altsim", project)):
        if args.direction not in ("both", generator):
            continue
        worlds = [
            w for w in _worlds(args, 2 * args.worlds, args.train_seed) if w.generator == generator
        ]
        if generator == "project":
            snapshot = simulate_platform(
                SimulationConfig(accounts=args.train_accounts, seed=args.train_seed)
            )
        else:
            snapshot = simulate_world(
                AltSimConfig(accounts=args.train_accounts, seed=args.train_seed)
            )
        trained = train_on(snapshot, free=args.free, worlds=worlds, overrides=_overrides(args))
        title = f"trained on {generator} (+{len(worlds)} habit worlds)"
        loso(title, trained, tests, args.k, not args.no_early)
        print(f"[{time.perf_counter() - started:.0f} s]")


def third_main(args: argparse.Namespace) -> None:
    """Train as ``risk train`` does by default, score the third generator's platforms."""
    from risk.settings import Settings
    from training.simulator import SimulationConfig, simulate_platform
    from training.thirdsim import ThirdSimConfig, simulate

    if args.speed:
        third_speed()
        return
    started = time.perf_counter()
    platforms = {
        name: simulate(ThirdSimConfig(accounts=40_000, seed=int(match.group(1))))
        for name in args.platforms
        if (match := THIRD.fullmatch(name))
    }
    count = args.worlds or Settings.model_fields["training_worlds"].default
    project = simulate_platform(
        SimulationConfig(accounts=args.train_accounts, seed=args.train_seed)
    )
    # which worlds are drawn moves the figures on an unseen platform as much as any change
    # does: --world-seeds trains once per draw (same platform) and prints each
    models = []
    for world_seed in args.world_seeds or [args.train_seed]:
        worlds = _worlds(args, count, world_seed)
        if args.members > 1 and args.member_draws:
            # one draw of `count` worlds per member, seeds world_seed, world_seed + 1, ...
            draws = range(world_seed, world_seed + args.members)
            worlds = tuple(w for seed in draws for w in _worlds(args, count, seed))
        trained = train_on(
            project,
            free=args.free,
            structure=structure_of(args),
            worlds=worlds,
            overrides=_overrides(args),
            members=args.members,
        )
        title = (
            f"trained on both simulators (project + {len(worlds)} worlds, seed {world_seed}, "
            f"{args.members} member(s))"
        )
        loso(title, trained, platforms, args.k, not args.no_early)
        _roles_at_medium(title, trained, platforms)
        models.append(trained)
    if args.bag and len(models) > 1:
        title = f"the mean of the {len(models)} models above (one per world draw)"
        loso(title, bagged(models), platforms, args.k, not args.no_early)
    load = Path("/proc/loadavg").read_text().strip()
    print(f"[{time.perf_counter() - started:.0f} s; load average {load}]")


def bagged(models: Sequence[Trained]) -> Trained:
    """Models trained on separate world draws, averaged: the mean of their calibrated
    log-odds, band thresholds averaged the same way (an approximation: a shipped ensemble
    would refit its calibration and bands on the average)."""
    from scipy.special import expit, logit

    def score(frame: pd.DataFrame) -> np.ndarray:
        each = [np.asarray(m.scorers["model"](frame), dtype=np.float64) for m in models]
        return np.asarray(expit(np.mean([logit(np.clip(p, 1e-9, 1 - 1e-9)) for p in each], 0)))

    thresholds = {
        band: float(expit(np.mean([logit(min(m.thresholds[band], 1 - 1e-9)) for m in models])))
        for band in models[0].thresholds
    }
    first = models[0]
    prior = float(np.mean([m.training_prior for m in models]))
    return Trained(
        {"model": score}, first.test, None, first.features, first.medians, thresholds, prior
    )


def _roles_at_medium(title: str, trained: Trained, platforms: dict[str, Snapshot]) -> None:
    """Share at medium+ per role on each platform and share, with and without EM."""
    roles = {}
    for name, snapshot in platforms.items():
        for share in SHARES:
            table = labelled_platform(world_at_share(snapshot, share, np.random.default_rng(0)))
            scores = trained.scorers["model"](table)
            for when, bands in (
                (" EM", banded(trained, scores, "em")),
                (" off", banded(trained, scores, "off")),
            ):
                medium = pd.Series(bands != "low").groupby(table["role"].to_numpy()).mean()
                roles[f"{name} @{share:.0%}{when}"] = medium
    print(f"\n{title}: share at medium+ per role (legitimate = false alarms),")
    print("with the EM prior-shift correction and without it (off, the default)")
    print(pd.DataFrame(roles).to_string(float_format=lambda v: f"{v:.3f}"))


def third_speed() -> None:
    """Seconds to generate third-generator platforms of 50,000 and 100,000 accounts."""
    from training.thirdsim import ThirdSimConfig, build_platform

    for accounts in (50_000, 100_000):
        started = time.perf_counter()
        platform = build_platform(ThirdSimConfig(accounts=accounts, seed=1))
        seconds = time.perf_counter() - started
        load = Path("/proc/loadavg").read_text().strip()
        print(
            f"thirdsim {accounts:,}: {len(platform.orders):,} orders, "
            f"{len(platform.commissions):,} commissions in {seconds:.1f} s (load {load})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-accounts", type=int, default=60_000)
    parser.add_argument("--platforms", nargs="+", type=platform_name, default=list(ALTSIM))
    parser.add_argument("--no-reverse", action="store_true", help="skip altsim -> project")
    parser.add_argument("--explain", type=int, default=0, metavar="K", help="SHAP on mistakes")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--speed", action="store_true", help="time the generator only")
    parser.add_argument("--train-seed", type=int, default=1, help="seed of both training worlds")
    parser.add_argument("--free", action="store_true", help="no legal monotone constraints")
    parser.add_argument(
        "--bands",
        type=float,
        default=None,
        metavar="SHARE",
        help="band meaning before/after the prior-shift correction, also at this scheme share",
    )
    parser.add_argument("--loso", action="store_true", help="the leave-one-simulator-out table")
    parser.add_argument("--worlds", type=int, default=0, help="habit worlds added (--loso)")
    parser.add_argument(
        "--world-accounts",
        type=int,
        default=None,
        help="accounts per habit world (default: as risk train, RISK_TRAINING_WORLD_ACCOUNTS)",
    )
    parser.add_argument("--project", nargs="+", choices=list(PROJECT), default=["sim_seed_2"])
    parser.add_argument(
        "--no-grafts",
        action="store_true",
        help="habit worlds without franchises, fake retail or packages from the root",
    )
    parser.add_argument(
        "--world-seeds",
        nargs="+",
        type=int,
        default=[],
        help="(third_seed_N) one model per draw of the habit worlds (default: --train-seed)",
    )
    parser.add_argument("--no-early", action="store_true", help="skip the early snapshots")
    parser.add_argument(
        "--member-draws",
        action="store_true",
        help="(with --members N) each member gets its own draw of --worlds worlds",
    )
    parser.add_argument(
        "--bag",
        action="store_true",
        help="(third_seed_N, several --world-seeds) also score the mean of the draws' models",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=None,
        help="(third_seed_N) boosters averaged, worlds dealt round them (default: as risk train)",
    )
    parser.add_argument(
        "--direction",
        choices=("both", "project", "altsim"),
        default="both",
        help="(--loso) train on this simulator only",
    )
    parser.add_argument(
        "--classifier", nargs="+", default=[], metavar="NAME=VALUE", help="(--loso) overrides"
    )
    add_structure_options(parser)
    args = parser.parse_args()
    if args.world_accounts is None:
        from risk.settings import Settings

        args.world_accounts = Settings.model_fields["training_world_accounts"].default
    if args.members is None:
        from risk.settings import Settings

        args.members = Settings.model_fields["training_members"].default
    structure = structure_of(args)
    if any(THIRD.fullmatch(name) for name in args.platforms):
        third_main(args)
        return
    if args.loso:
        loso_main(args)
        return
    if args.speed:
        speed()
        return
    started = time.perf_counter()
    tables = {}
    for name in args.platforms:
        tables[name] = altsim_table(ALTSIM[name], structure)
        share = tables[name]["label"].mean()
        print(f"altsim {name}: {len(tables[name]):,} accounts, {share:.1%} in schemes")
    print(f"generated + features in {time.perf_counter() - started:.0f} s")

    print("\n[project simulator -> altsim]")
    project = train_on(
        build_platform(Platform(seed=args.train_seed), args.train_accounts),
        free=args.free,
        structure=structure,
    )
    rows, pairs = _score_all(project, tables, args.k, args.explain)
    _print("trained on the project simulator; platform", rows, args.k)
    _pairs("trained on the project simulator", pairs)
    if args.bands:
        bands_table("trained on the project simulator", project, tables, args.bands)

    print("\n[altsim -> altsim: the in-distribution reference]")
    alt_world = AltSimConfig(accounts=args.train_accounts, seed=args.train_seed)
    alt = train_on(simulate_world(alt_world), free=args.free, structure=structure)
    alt_tables = {n: t for n, t in tables.items() if n != "held_out_networks"}
    if not args.no_reverse:
        for name, platform in PROJECT.items():
            alt_tables[name] = shifted_table(platform, 40_000, structure)
    rows, pairs = _score_all(alt, alt_tables, args.k, args.explain)
    _print(f"trained on altsim (seed {args.train_seed}); platform", rows, args.k)
    _pairs("trained on altsim", pairs)
    if args.bands:
        bands_table(f"trained on altsim (seed {args.train_seed})", alt, alt_tables, args.bands)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Does the risk model hold when the platform differs from the one it was trained on?

    uv run python benchmarks/bench_robustness.py                       # ~5 min on 2 cores
    uv run python benchmarks/bench_robustness.py --train-accounts 60000 --test-accounts 40000 \
        --shifts seed_2 money_x10 no_commissions --families

Trains once on a default simulated platform (the training pipeline's own split, fit,
calibration and baselines, no MLflow), then scores whole platforms it never saw: other seeds,
class balance, time span and start, price level, missing or coarse commission data, order
volume, id schemes, sparser consumer data and random refunds. Each shifted platform is the
simulator's output, post-processed where the simulator has no knob for the shift. Prints one
row per shift: ROC AUC / average precision / precision at k of the model, the logistic
regression on the same features, and the rules-only indicator score.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from features.snapshot import Snapshot
from training.worlds import (
    PLATFORM_WORLD,
    IdHabit,
    WorldSpec,
    kept_consumer_orders,
    renamed_ids,
    reported_commissions,
    scaled_money,
    with_worlds,
)

Shift = Callable[[Snapshot], Snapshot]


@dataclass(frozen=True)
class Platform:
    """How to build one shifted platform: simulator settings, then a post-processing step."""

    seed: int = 2
    positive_share: float = 0.3
    span_days: int = 365
    start: datetime = datetime(2025, 1, 1, tzinfo=UTC)
    orders_per_account: float = 10.0
    post: Shift | None = None


def _money(factor: float) -> Shift:
    """Every amount times ``factor``: another price level or currency."""
    return lambda s: scaled_money(s, factor)


def _no_commissions(s: Snapshot) -> Snapshot:
    """The optional commissions table is not provided at all."""
    return reported_commissions(s, "none")


def _kinds_other(s: Snapshot) -> Snapshot:
    """Commissions provided, but the platform cannot tell recruitment / team / retail apart."""
    return reported_commissions(s, "kinds_other")


def _thin_consumers(share: float) -> Shift:
    """Keep only ``share`` of the consumer orders, at random: sparser consumer data."""
    return lambda s: kept_consumer_orders(s, share, np.random.default_rng(11))


def _random_refunds(share: float) -> Shift:
    """A further ``share`` of all orders refunded at random (a lenient returns policy)."""

    def shift(s: Snapshot) -> Snapshot:
        extra = np.random.default_rng(12).random(len(s.orders)) < share
        return replace(s, orders=s.orders.assign(refunded=s.orders["refunded"].to_numpy() | extra))

    return shift


def _combined(s: Snapshot) -> Snapshot:
    """Several shifts at once: no commissions, another currency, thin consumers, UUIDs."""
    for shift in (_no_commissions, _money(7.0), _thin_consumers(0.5), _rename_ids("uuid")):
        s = shift(s)
    return s


def _rename_ids(scheme: IdHabit) -> Shift:
    """Account and consumer ids in another scheme: bare numbers as strings, or UUIDs."""
    return lambda s: renamed_ids(s, scheme, np.random.default_rng(13))


SHIFTS: dict[str, Platform] = {
    "seed_2": Platform(seed=2),
    "seed_3": Platform(seed=3),
    "seed_4": Platform(seed=4),
    "positives_0.1": Platform(positive_share=0.1),
    "positives_0.5": Platform(positive_share=0.5),
    "span_180d_2022": Platform(span_days=180, start=datetime(2022, 3, 1, tzinfo=UTC)),
    "span_730d_2021": Platform(span_days=730, start=datetime(2021, 6, 1, tzinfo=UTC)),
    "money_x10": Platform(post=_money(10.0)),
    "money_x0.1": Platform(post=_money(0.1)),
    "no_commissions": Platform(post=_no_commissions),
    "kinds_all_other": Platform(post=_kinds_other),
    "orders_x0.5": Platform(orders_per_account=5.0),
    "orders_x2": Platform(orders_per_account=20.0),
    "ids_numeric": Platform(post=_rename_ids("numeric")),
    "ids_uuid": Platform(post=_rename_ids("uuid")),
    "consumers_thinned_50%": Platform(post=_thin_consumers(0.5)),
    "refunds_20%": Platform(post=_random_refunds(0.2)),
    "combined": Platform(
        seed=5,
        positive_share=0.15,
        span_days=540,
        start=datetime(2023, 7, 1, tzinfo=UTC),
        orders_per_account=6.0,
        post=_combined,
    ),
}


def build_platform(platform: Platform, accounts: int) -> Snapshot:
    """Simulate the platform and apply its post-processing."""
    from training.simulator import SimulationConfig, simulate_platform

    config = SimulationConfig(
        accounts=accounts,
        seed=platform.seed,
        positive_share=platform.positive_share,
        span_days=platform.span_days,
        start=platform.start,
        orders_per_account=platform.orders_per_account,
    )
    snapshot = simulate_platform(config)
    return snapshot if platform.post is None else platform.post(snapshot)


@dataclass(frozen=True)
class Structure:
    """A variant of the model's structure inputs, to measure before changing the registry:
    ``drop`` leaves features out of the model's inputs, ``cap`` clips the depth features
    (``DEPTH``) at that many sponsor links in every table the model sees."""

    drop: tuple[str, ...] = ()
    cap: int | None = None


DEPTH = ("tier", "downline_depth", "network_depth")


def structured(table: pd.DataFrame, structure: Structure) -> pd.DataFrame:
    """``table`` with the depth features clipped as ``structure.cap`` says."""
    if structure.cap is None:
        return table
    return table.assign(**{name: table[name].clip(upper=structure.cap) for name in DEPTH})


def _training_table(
    snapshot: Snapshot,
    seed: int,
    structure: Structure = Structure(),
    worlds: Sequence[WorldSpec] = (),
) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """The labelled table (with the generated ``worlds`` added), its network-grouped parts and
    the model's inputs, as training does."""
    from features.build import resolve_as_of
    from features.registry import model_feature_names
    from training.data import labelled_features
    from training.splits import network_parts

    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, resolve_as_of(snapshot, None))
    table = with_worlds(table, worlds)
    parts = network_parts(table["network_id"], table["label"], seed)
    inputs = [name for name in model_feature_names() if name not in structure.drop]
    return structured(table, structure), parts, inputs


def unconstrained(free: bool) -> dict[str, object]:
    """Classifier overrides: ``free`` drops the legal monotone constraints
    (``training.directions``), to measure what they change."""
    return {"feature_directions": None} if free else {}


def train(
    accounts: int,
    seed: int,
    power: float = 1.0,
    free: bool = False,
    structure: Structure = Structure(),
) -> tuple[dict[str, Callable[..., np.ndarray]], pd.DataFrame]:
    """Train like ``train_and_register`` (without MLflow); the scorers and the held-out test."""
    from training.config import TrainingConfig

    snapshot = build_platform(Platform(seed=seed), accounts)
    config = TrainingConfig(network_weight_power=power, classifier=unconstrained(free))
    fitted = fit_world(snapshot, config, structure)
    return fitted.scorers, fitted.test


@dataclass(frozen=True)
class FittedWorld:
    """A model fitted on one labelled world, its baselines, and the world's parts."""

    scorers: dict[str, Callable[..., np.ndarray]]  # model, logistic, rules
    train: pd.DataFrame
    test: pd.DataFrame  # the world's held-out networks
    features: list[str]
    booster: Any
    thresholds: dict[str, float]  # the shipped model's bands, chosen on validation networks
    training_prior: float  # the scheme share its calibration was fitted at


def fit_world(
    snapshot: Snapshot, config: Any, structure: Structure, worlds: Sequence[WorldSpec] = ()
) -> FittedWorld:
    """Fit the pipeline's model and baselines on ``snapshot`` and the generated ``worlds`` (no
    MLflow); prints top gains. The test part is the snapshot's own held-out networks."""
    from models.blend import LOGISTIC
    from risk.indicators.engine import indicator_score
    from training.pipeline import _scorers, fit_on_parts

    table, parts, features = _training_table(snapshot, config.seed, structure, worlds)
    fitted = fit_on_parts(table, parts, features, config)
    train_rows = table[(parts == "train").to_numpy()]
    scorers = _scorers(fitted, {"rules": indicator_score})
    top = fitted.classifier.feature_importance().head(8)
    print("top features by gain:", ", ".join(f"{n} {v / top.sum():.0%}" for n, v in top.items()))
    print(f"ships (chosen on validation): {fitted.shipping}: {fitted.selection.reason}")
    named = {"model": scorers["model"], "logistic": scorers[LOGISTIC], "rules": scorers["rules"]}
    test = table[(parts == "test").to_numpy()]
    if "world" in test.columns:
        test = test[test["world"] == PLATFORM_WORLD]
    booster, prior = fitted.classifier.booster_, fitted.shipped.training_prior
    assert prior is not None
    return FittedWorld(named, train_rows, test, features, booster, fitted.thresholds, prior)


def evaluate(
    table: pd.DataFrame, scorers: dict[str, Callable[..., np.ndarray]], k: int
) -> tuple[dict[str, float], pd.Series]:
    """AUC / AP / P@k per scorer (flat), and the model's pair AUC per family and role."""
    from training.metrics import ranking_metrics, slice_metrics

    row: dict[str, float] = {}
    model_scores = np.zeros(len(table))
    for name, scorer in scorers.items():
        scores = np.asarray(scorer(table), dtype=np.float64)
        model_scores = scores if name == "model" else model_scores
        m = ranking_metrics(table["label"].to_numpy(), scores, table["network_id"].to_numpy(), k)
        row.update({f"{name}_auc": m["roc_auc"], f"{name}_ap": m["average_precision"]})
        row[f"{name}_p@{k}"] = m[f"precision_at_{k}"]
    pairs = {}
    for column in ("family", "role"):
        if column in table.columns:
            per = slice_metrics(table["label"].to_numpy(), model_scores, table[column], 0.5, k)
            pairs.update(per["pair_auc"].to_dict())
    return row, pd.Series(pairs)


def shifted_table(
    platform: Platform, accounts: int, structure: Structure = Structure()
) -> pd.DataFrame:
    """The labelled feature table of a whole shifted platform (every account is unseen)."""
    from features.build import resolve_as_of
    from training.data import labelled_features

    snapshot = build_platform(platform, accounts)
    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, resolve_as_of(snapshot, None))
    return structured(table, structure)


def add_structure_options(parser: argparse.ArgumentParser) -> None:
    """``--drop`` / ``--cap-depth``: the structure variants (see ``Structure``)."""
    parser.add_argument("--drop", nargs="+", default=[], metavar="FEATURE", help="not an input")
    parser.add_argument("--cap-depth", type=int, default=None, help=f"clip {', '.join(DEPTH)}")


def structure_of(args: argparse.Namespace) -> Structure:
    return Structure(drop=tuple(args.drop), cap=args.cap_depth)


def main() -> None:
    """Train once, evaluate every chosen shift, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-accounts", type=int, default=60_000)
    parser.add_argument("--train-seed", type=int, default=1)
    parser.add_argument("--test-accounts", type=int, default=40_000)
    parser.add_argument("--shifts", nargs="+", choices=list(SHIFTS), default=list(SHIFTS))
    parser.add_argument("--families", action="store_true", help="print per family/role AUC")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--network-weight-power", type=float, default=1.0)
    parser.add_argument("--free", action="store_true", help="no legal monotone constraints")
    add_structure_options(parser)
    args = parser.parse_args()
    structure = structure_of(args)
    started = time.perf_counter()
    scorers, test = train(
        args.train_accounts, args.train_seed, args.network_weight_power, args.free, structure
    )
    print(f"trained on {args.train_accounts:,} accounts in {time.perf_counter() - started:.0f} s")
    rows, pairs = {}, {}
    rows["held_out_networks"], pairs["held_out_networks"] = evaluate(test, scorers, args.k)
    for name in args.shifts:
        table = shifted_table(SHIFTS[name], args.test_accounts, structure)
        rows[name], pairs[name] = evaluate(table, scorers, args.k)
        print(f"  {name}: {len(table):,} accounts, model AUC {rows[name]['model_auc']:.4f}")
    frame = pd.DataFrame(rows).T
    pd.set_option("display.width", 200)
    print(f"\nshift -> model | logistic regression | rules-only (k = {args.k})")
    print(frame.to_string(float_format=lambda v: f"{v:.3f}"))
    if args.families:
        print("\nmodel pair AUC per family / role")
        print(pd.DataFrame(pairs).T.to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

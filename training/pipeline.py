"""The training pipeline: features -> leak-free splits -> fit -> evaluate -> MLflow -> promote."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from features.build import resolve_as_of
from features.loading import snapshot_fingerprint
from features.registry import FEATURE_REGISTRY_VERSION, model_feature_names
from features.snapshot import Snapshot
from models.blend import LIGHTGBM, LOGISTIC, Shipped
from models.classifier import RiskClassifier
from models.linear import LinearModel
from models.reference import build_reference
from models.roles import RoleClassifier
from models.vocab import ACTIONABLE_ROLES, SCHEME_ROLES
from training.baselines import Scorer, fit_logistic
from training.config import TrainingConfig
from training.data import labelled_features, snapshot_labels
from training.directions import legal_directions
from training.errors import TrainingDataError
from training.evaluation import (
    MODEL,
    baseline_shortfall,
    beats_baselines,
    compare_scorers,
    metrics_table,
    reliability,
    score_all,
    slices,
)
from training.metrics import actionable_in_top_k, ranking_metrics, role_metrics
from training.report import register_and_report
from training.selection import (
    Candidate,
    Selection,
    build_candidates,
    choose,
    held_out_fallback,
    shipped_scores,
)
from training.splits import PARTS, network_parts, out_of_time_split
from training.worlds import PLATFORM_WORLD, with_worlds, world_summary

GROUPED = "grouped_test"
OUT_OF_TIME = "out_of_time_test"


@dataclass(frozen=True)
class TrainingResult:
    """What a training run produced and where it lives."""

    run_id: str
    experiment_id: str
    tracking_uri: str
    model_name: str
    version: str
    model_uri: str
    alias: str  # the alias the new version got: champion or challenger
    promotion_reason: str
    as_of: pd.Timestamp
    fingerprint: str
    feature_registry_version: str
    data: Mapping[str, Any]
    metrics: Mapping[str, Any]
    table: pd.DataFrame  # (split, scorer) -> metrics, for the summary
    thresholds: Mapping[str, float]
    seconds: float
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fitted:
    """LightGBM and the logistic regression trained on the train part, the candidates built
    from them (``training.selection``) and the one that ships, with its validation bands."""

    classifier: RiskClassifier
    linear: LinearModel
    selection: Selection
    features: list[str]
    shipping: str  # the shipped candidate: the selection's choice unless the held-out guard's

    @property
    def candidate(self) -> Candidate:
        return self.selection.candidates[self.shipping]

    @property
    def shipped(self) -> Shipped:
        """Calibrator, blend and training scheme share of the shipped candidate."""
        return self.candidate.shipped

    @property
    def thresholds(self) -> dict[str, float]:
        """Band thresholds of the shipped candidate, chosen on the validation networks."""
        return self.candidate.thresholds

    @property
    def validation(self) -> dict[str, float]:
        """The shipped candidate's ranking metrics on the validation networks."""
        return self.candidate.validation

    def score(self, frame: pd.DataFrame, name: str | None = None) -> np.ndarray:
        """Probabilities of the shipped candidate (or candidate ``name``) for a feature table."""
        candidate = self.selection.candidates[name or self.shipping]
        return shipped_scores(candidate, self.classifier, self.features, frame)

    def ship(self, name: str) -> Fitted:
        """The same fit with candidate ``name`` shipping."""
        return replace(self, shipping=name)


def network_weights(network_id: pd.Series, power: float) -> np.ndarray:
    """network_size ** -power per account (sizes counted among the rows), mean 1."""
    size = network_id.map(network_id.value_counts()).to_numpy(dtype=np.float64)
    weights = size**-power
    return weights / weights.mean()


def world_members(table: pd.DataFrame, config: TrainingConfig) -> dict[str, int] | None:
    """Which ensemble member each generated world trains: the worlds in the order they were
    drawn, cut into ``members`` consecutive blocks (one draw of worlds per member when the
    worlds are several draws one after another); None: one booster. The platform's own rows
    train every member (:func:`member_marks`)."""
    if config.members == 1 or "world" not in table.columns:
        return None
    drawn = [w for w in pd.unique(table["world"]) if w != PLATFORM_WORLD]
    if len(drawn) < config.members:
        raise TrainingDataError(
            f"{config.members} ensemble members need at least as many generated worlds; "
            f"the training table holds {len(drawn)}"
        )
    return {str(world): i * config.members // len(drawn) for i, world in enumerate(drawn)}


def member_marks(rows: pd.DataFrame, members: dict[str, int] | None) -> np.ndarray | None:
    """Per row, the member it trains (-1: every member), as ``RiskClassifier.fit`` takes it."""
    if members is None:
        return None
    return rows["world"].map(members).fillna(-1).to_numpy(dtype=np.int64)


def fit_on_parts(
    table: pd.DataFrame, parts: pd.Series, features: list[str], config: TrainingConfig
) -> Fitted:
    """Train on ``train``, stop early on ``stopping``, calibrate on ``calibration``; the
    logistic regression on ``train``; choose what ships and its bands on both validation parts
    (neither was used to grow trees)."""
    part = {name: table[parts.reindex(table.index).to_numpy() == name] for name in PARTS}
    for name in ("train", "stopping", "calibration"):
        if part[name]["label"].nunique() < 2:
            raise TrainingDataError(
                f"the {name} part has one class only: too few labelled networks"
            )
    members = world_members(table, config)
    params = {
        "random_state": config.seed,
        "calibration": config.calibration,
        "feature_directions": legal_directions(features),  # where the law fixes the sign
        **config.classifier,
    }
    classifier = RiskClassifier(**params).fit(
        part["train"][features],
        part["train"]["label"],
        part["stopping"][features],
        part["stopping"]["label"],
        part["calibration"][features],
        part["calibration"]["label"],
        sample_weight=network_weights(part["train"]["network_id"], config.network_weight_power),
        member_of=member_marks(part["train"], members),
        # each member stops where it learns: on the platform's and its own worlds' networks
        stop_member_of=member_marks(part["stopping"], members),
    )
    linear = fit_logistic(part["train"], part["train"]["label"].to_numpy(), features, config.seed)
    candidates = build_candidates(
        classifier,
        linear,
        part["calibration"],
        pd.concat([part["stopping"], part["calibration"]]),
        features=features,
        weights=config.blend_weights,
        method=classifier.calibration,
        band_precisions=config.band_precisions,
        k=config.review_capacity,
    )
    k = config.review_capacity
    selection = choose(candidates, weights=config.blend_weights, margin=config.blend_margin, k=k)
    return Fitted(classifier, linear, selection, features, selection.chosen)


def scheme_roles_of(table: pd.DataFrame) -> pd.DataFrame:
    """Scheme accounts (label 1) whose role is organizer, recruiter or participant."""
    if "role" not in table.columns:
        return table.iloc[:0]
    return table[(table["label"] == 1).to_numpy() & table["role"].isin(SCHEME_ROLES).to_numpy()]


def fit_roles(
    train: pd.DataFrame, features: list[str], config: TrainingConfig
) -> tuple[RoleClassifier | None, str]:
    """The role model on the train part's scheme accounts, or None and why there is none."""
    if "role" not in train.columns or train["role"].isna().all():
        return None, "the labels have no role column: no role model was trained"
    schemes = scheme_roles_of(train)
    if schemes["role"].nunique() < 2:
        return None, "the train part holds fewer than two scheme roles: no role model"
    model = RoleClassifier(random_state=config.seed).fit(
        schemes[features],
        schemes["role"],
        sample_weight=network_weights(schemes["network_id"], config.network_weight_power),
    )
    return model, f"trained on {len(schemes)} scheme accounts of the train networks"


def evaluate_roles(
    model: RoleClassifier | None, note: str, test: pd.DataFrame, scores: np.ndarray, k: int
) -> dict[str, Any]:
    """Per-role precision/recall and confusion on the held-out scheme accounts, and the
    organizers and recruiters among the top ``k`` before and after filtering by role."""
    if model is None:
        return {"trained": False, "note": note}
    schemes = scheme_roles_of(test)
    if schemes.empty:
        return {"trained": True, "note": note + "; the test part holds no scheme roles"}
    predicted = model.predict(test[model.feature_names_])
    in_test = test.index.get_indexer(schemes.index)
    return {
        "trained": True,
        "note": note,
        **role_metrics(schemes["role"], predicted[in_test], SCHEME_ROLES),
        f"actionable_in_top_{k}": actionable_in_top_k(
            scores, test["role"].fillna(""), predicted, ACTIONABLE_ROLES, k
        ),
    }


def _scorers(fitted: Fitted, extra: Mapping[str, Scorer]) -> dict[str, Scorer]:
    """The shipped model, LightGBM alone when a blend ships, and the baselines, each a function
    of a feature table (the logistic regression calibrated on the calibration networks)."""

    def candidate(name: str) -> Scorer:
        return lambda frame: fitted.score(frame, name)

    components = {} if fitted.shipping == LIGHTGBM else {LIGHTGBM: candidate(LIGHTGBM)}
    return {MODEL: candidate(fitted.shipping), **components, LOGISTIC: candidate(LOGISTIC), **extra}


def _own_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows of the trained snapshot itself, not of a generated world."""
    if "world" not in table.columns:
        return np.ones(len(table), dtype=bool)
    return (table["world"] == PLATFORM_WORLD).to_numpy()


def world_metrics(test: pd.DataFrame, fitted: Fitted, k: int) -> dict[str, dict[str, float]]:
    """Ranking metrics of what ships on each world's held-out networks."""
    found = {}
    for world, rows in test.groupby("world"):
        if rows["label"].nunique() == 2:
            found[str(world)] = ranking_metrics(
                rows["label"].to_numpy(), fitted.score(rows), rows["network_id"].to_numpy(), k
            )
    return found


def _part_sizes(table: pd.DataFrame, parts: pd.Series) -> dict[str, dict[str, int]]:
    frame = table.assign(part=parts.reindex(table.index).to_numpy())
    grouped = frame.groupby("part")
    sizes = pd.DataFrame(
        {
            "accounts": grouped.size(),
            "positives": grouped["label"].sum(),
            "networks": grouped["network_id"].nunique(),
        }
    )
    return {str(p): {k: int(v) for k, v in row.items()} for p, row in sizes.iterrows()}


def _out_of_time(
    snapshot: Snapshot,
    labels: pd.DataFrame,
    table: pd.DataFrame,
    parts: pd.Series,
    as_of: pd.Timestamp,
    features: list[str],
    config: TrainingConfig,
    extra: Mapping[str, Scorer],
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Train as of an earlier time on the train networks; test on held-out networks' accounts
    that joined after that time, with features as of the snapshot time."""
    split = out_of_time_split(table["joined_at"], as_of, config.out_of_time_train_share)
    early = labelled_features(snapshot, labels, split.train_as_of)
    network_part = pd.Series(parts.to_numpy(), index=table["network_id"].to_numpy())
    network_part = network_part[~network_part.index.duplicated()]
    early_parts = pd.Series(network_part.reindex(early["network_id"]).to_numpy(), index=early.index)
    fitted = fit_on_parts(early, early_parts, features, config)
    test = table[(parts.reindex(table.index) == "test").to_numpy()]
    test = test[test["joined_at"] > split.train_as_of]
    train = early[(early_parts == "train").to_numpy()]
    scores = score_all(test, _scorers(fitted, extra))
    info = {
        "shipped": fitted.shipping,
        "train_as_of": split.train_as_of.isoformat(),
        "test_as_of": split.test_as_of.isoformat(),
        "train_accounts": len(train),
        "test_accounts": len(test),
        "note": "trained on train networks as of train_as_of (what ships chosen on its own "
        "validation networks); tested on held-out networks' accounts that joined later, "
        "features as of test_as_of",
    }
    return info, compare_scorers(test, scores, config.review_capacity)


def train_and_register(
    snapshot: Snapshot,
    as_of: pd.Timestamp | str | None,
    config: TrainingConfig,
    tracking_uri: str,
    extra_baselines: Mapping[str, Scorer] = {},
) -> TrainingResult:
    """Train, evaluate against baselines, log to MLflow, register and promote (or not)."""
    started = time.perf_counter()
    moment = resolve_as_of(snapshot, as_of)
    labels = snapshot_labels(snapshot, snapshot.labels)
    features = model_feature_names()
    own = labelled_features(snapshot, labels, moment)
    if own.empty:
        raise TrainingDataError(f"no labelled account had joined by {moment.isoformat()}")
    # the generated worlds (training/worlds.py) join the fit, the early stopping, the
    # calibration and the choice of what ships; the held-out figures stay the platform's own
    table = with_worlds(own, config.worlds)
    parts = network_parts(table["network_id"], table["label"], config.seed)
    fitted = fit_on_parts(table, parts, features, config)
    is_own = _own_rows(table)
    train = table[(parts == "train").to_numpy() & is_own]
    test = table[(parts == "test").to_numpy() & is_own]
    k = config.review_capacity
    scores = score_all(test, _scorers(fitted, extra_baselines))
    grouped = compare_scorers(test, scores, k)
    chosen = fitted.shipping
    if held_out_fallback(grouped, shipped=chosen, model=MODEL, k=k):
        # the guard: the logistic regression beat the validation's choice on held-out networks
        fitted = fitted.ship(LOGISTIC)
        scores = score_all(test, _scorers(fitted, extra_baselines))
        grouped = compare_scorers(test, scores, k)
    evaluation = {GROUPED: grouped}
    selection = {
        **fitted.selection.summary(),
        "shipped": fitted.shipping,
        "kind": fitted.candidate.kind,
        "weight_lightgbm": fitted.candidate.weight,
        "held_out_fallback": fitted.shipping != chosen,
        "training_prior": fitted.shipped.training_prior,
    }
    if fitted.shipping != chosen:
        selection["reason"] += (
            f"; on the held-out networks the logistic regression beat {chosen}, so the "
            "logistic regression ships (never worse than its own baseline)"
        )
    metrics: dict[str, Any] = {"validation": fitted.validation, "selection": selection}
    if config.out_of_time:
        own_parts = parts[is_own]
        metrics["out_of_time"], evaluation[OUT_OF_TIME] = _out_of_time(
            snapshot, labels, own, own_parts, moment, features, config, extra_baselines
        )
    if config.worlds:
        metrics["worlds"] = world_metrics(table[(parts == "test").to_numpy()], fitted, k)
    # roles from every world's train part: a platform's own labels rarely carry roles
    role_model, role_note = fit_roles(table[(parts == "train").to_numpy()], features, config)
    metrics.update(
        {
            "evaluation": evaluation,
            "slices": slices(test, scores[MODEL], fitted.thresholds["medium"], k),
            "reliability": reliability(test, scores[MODEL]),
            "beats_baselines": beats_baselines(evaluation[GROUPED], k),
            "baseline_shortfall": baseline_shortfall(evaluation[GROUPED], k),
            "roles": evaluate_roles(role_model, role_note, test, scores[MODEL], k),
            "best_iteration": fitted.classifier.best_iteration_,
            "k": k,
        }
    )
    train_scores = fitted.score(train)
    reference = build_reference(
        train[features].to_numpy(dtype=np.float64),
        features,
        train["label"].to_numpy(),
        train_scores,
    )
    data = {
        "as_of": moment.isoformat(),
        "parts": _part_sizes(table, parts),
        "features": len(features),
        "labelled_accounts": len(own),
        "world_accounts": len(table) - len(own),
        "worlds": [world_summary(spec) for spec in config.worlds],
        "members": fitted.classifier.members_,
    }
    fingerprint = snapshot_fingerprint(snapshot, moment)
    summary_table = metrics_table(evaluation, k)
    logged = register_and_report(
        tracking_uri=tracking_uri,
        config=config,
        classifier=fitted.classifier,
        shipped=fitted.shipped,
        role_classifier=role_model,
        thresholds=fitted.thresholds,
        test=test,
        metrics=metrics,
        reference=reference,
        data=data,
        fingerprint=fingerprint,
        table=summary_table,
        snapshot=snapshot,
        labelled=table,
    )
    return TrainingResult(
        run_id=logged.run_id,
        experiment_id=logged.experiment_id,
        tracking_uri=tracking_uri,
        model_name=config.model_name,
        version=logged.version,
        model_uri=logged.model_uri,
        alias=logged.decision.alias,
        promotion_reason=logged.decision.reason,
        as_of=moment,
        fingerprint=fingerprint,
        feature_registry_version=FEATURE_REGISTRY_VERSION,
        data=data,
        metrics=metrics,
        table=summary_table,
        thresholds=fitted.thresholds,
        seconds=time.perf_counter() - started,
        warnings=_warnings(metrics),
    )


def _warnings(metrics: Mapping[str, Any]) -> list[str]:
    """What the training output should flag: a shipped model that is not LightGBM alone, one
    that does not beat (or is worse than) a baseline on the held-out networks."""
    found = []
    selection = metrics["selection"]
    if selection["kind"] != LIGHTGBM:
        found.append(
            f"LightGBM alone does not ship, {selection['shipped']} does; explanations still come "
            "from the LightGBM booster"
        )
    if metrics["baseline_shortfall"]:
        found.append(f"the shipped model is {metrics['baseline_shortfall']}")
    elif not metrics["beats_baselines"]:
        found.append("the model does not beat every baseline (it ties one)")
    return found

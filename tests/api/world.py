"""A scored world for API tests and the API benchmark: a simulated platform, a small real
model registered @champion in a real MLflow store, and a published scoring run in a store."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "mlm-risk"


@dataclass(frozen=True)
class World:
    home: Path
    snapshot_dir: Path
    tracking_uri: str
    store_url: str
    run_id: str


def register_model(
    snapshot: object,
    tracking_uri: str,
    root: Path,
    *,
    trees: int = 60,
    roles: bool = True,
    alias: str = "champion",
) -> str:
    """Train a small calibrated model on the snapshot's labels (and a role model on its scheme
    accounts unless ``roles`` is False, as models registered before roles); register it."""
    import mlflow

    from features.build import build_features
    from features.registry import model_feature_names
    from models.bands import choose_band_thresholds
    from models.classifier import RiskClassifier
    from models.mlflow_io import ensure_experiment, log_and_register, set_alias
    from models.reference import build_reference
    from models.roles import RoleClassifier
    from models.vocab import SCHEME_ROLES

    features = build_features(snapshot)  # type: ignore[arg-type]
    labels = snapshot.labels.set_index("account_id")["label"]  # type: ignore[attr-defined]
    features = features.loc[features.index.isin(labels.index)]
    names = model_feature_names()
    X = features[names].astype("float64")
    y = labels.reindex(features.index).astype("int64").to_numpy()
    train = np.random.default_rng(5).random(len(X)) < 0.6
    classifier = RiskClassifier(n_estimators=trees, early_stopping_rounds=10, random_state=3)
    classifier.fit(X[train], y[train], X[~train], y[~train])
    validation = classifier.predict_proba(X[~train])[:, 1]
    thresholds = choose_band_thresholds(y[~train], validation)
    reference = build_reference(
        X.to_numpy(), names, y, classifier.predict_proba(X)[:, 1].astype("float64")
    )
    role_model = None
    if roles:
        role = snapshot.labels.set_index("account_id")["role"].reindex(X.index)  # type: ignore[attr-defined]
        scheme = (y == 1) & role.isin(SCHEME_ROLES).to_numpy()
        role_model = RoleClassifier(n_estimators=40, random_state=3).fit(X[scheme], role[scheme])
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    experiment = ensure_experiment(tracking_uri, MODEL_NAME, root / "mlartifacts")
    with mlflow.start_run(experiment_id=experiment):
        version = log_and_register(
            classifier=classifier,
            thresholds=thresholds,
            reference=reference,
            metrics={},
            input_example=X.head(5),
            model_name=MODEL_NAME,
            staging_dir=root / f"staging-{alias}",
            role_classifier=role_model,
        )
    client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    set_alias(client, MODEL_NAME, alias, version.version, "test world")
    return version.version


def build_world(root: Path, *, accounts: int = 3000, seed: int = 11) -> World:
    """Simulate, train + register, score and publish; everything under ``root``."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from risk.scoring import run_scoring
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    root.mkdir(parents=True, exist_ok=True)
    snapshot = simulate_platform(SimulationConfig(accounts=accounts, seed=seed))
    snapshot_dir = root / "snapshot"
    write_snapshot(snapshot, snapshot_dir, "parquet")
    tracking_uri = f"sqlite:///{root / 'mlflow.db'}"
    register_model(snapshot, tracking_uri, root)
    store_url = f"sqlite:///{root / 'risk.db'}"
    summary = run_scoring(
        snapshot_dir=snapshot_dir,
        as_of=None,
        model_ref=f"{MODEL_NAME}@champion",
        store_url=store_url,
        tracking_uri=tracking_uri,
    )
    return World(root, snapshot_dir, tracking_uri, store_url, summary.run_id)

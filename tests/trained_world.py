"""The test suite's trained world: a simulated platform (Parquet snapshot) and a model trained on
it by the training pipeline (with its role model: the simulator's labels carry roles),
registered @champion in an MLflow SQLite tracking database.

``tests/conftest.py`` builds one per test run (fixture ``trained_world``) and every package
shares it read-only. A test that writes to MLflow (trains, registers, moves an alias) works on
its own copy (:func:`copy_tracking`); the snapshot is never written (copy it to break it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

MODEL_NAME = "mlm-risk"
MODEL_REF = f"{MODEL_NAME}@champion"


@dataclass(frozen=True)
class TrainedWorld:
    root: Path
    snapshot_dir: Path
    tracking_uri: str  # sqlite:///ROOT/mlflow.db, artifacts in ROOT/mlartifacts
    model_ref: str = MODEL_REF

    def fingerprint(self) -> str:
        """A hash of every file of the world (to check that no test changed it)."""
        return fingerprint(self.root)


def fingerprint(root: Path) -> str:
    """A hash of every file under ``root`` (to check that no test changed a shared world)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_trained_world(
    root: Path, *, accounts: int = 3000, seed: int = 11, mlflow_template: Path | None = None
) -> TrainedWorld:
    """Simulate a platform, train a small model with the training pipeline and promote it to
    @champion; everything under ``root``. ``mlflow_template``: an empty migrated tracking
    database to start from (saves the migrations)."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from features.validation import read_valid_snapshot
    from tests.models.mlflow_template import copy_template, make_template
    from training.config import TrainingConfig
    from training.pipeline import train_and_register
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    root.mkdir(parents=True, exist_ok=True)
    snapshot_dir = root / "snapshot"
    write_snapshot(
        simulate_platform(SimulationConfig(accounts=accounts, seed=seed)), snapshot_dir, "parquet"
    )
    template = mlflow_template or make_template(root / "mlflow-template")
    tracking_uri = copy_template(template, root)
    shutil.rmtree(root / "mlflow-template", ignore_errors=True)
    config = TrainingConfig(
        model_name=MODEL_NAME,
        classifier={"n_estimators": 60, "early_stopping_rounds": 10},
        out_of_time=False,
        force_promote=True,
        shap_rows=200,
    )
    train_and_register(read_valid_snapshot(snapshot_dir), None, config, tracking_uri)
    return TrainedWorld(root, snapshot_dir, tracking_uri)


def copy_tracking(tracking_uri: str, directory: Path) -> str:
    """A private copy of a SQLite tracking database, as ``directory/mlflow.db``.

    The registered versions keep reading their artifacts where they are (read-only); runs
    logged to the copy put theirs under ``directory/mlartifacts``, not beside the original.
    """
    source = Path(tracking_uri.removeprefix("sqlite:///"))
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "mlflow.db"
    shutil.copyfile(source, database)
    with closing(sqlite3.connect(database)) as connection, connection:
        names = connection.execute("SELECT experiment_id, name FROM experiments").fetchall()
        for experiment_id, name in names:
            location = (directory / "mlartifacts" / name).resolve().as_uri()
            connection.execute(
                "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                (location, experiment_id),
            )
    return f"sqlite:///{database}"


def register_without_roles(
    tracking_uri: str, snapshot_dir: Path, alias: str, staging_dir: Path
) -> str:
    """Register the champion again without its role model, as models registered before the
    role model were (no training: the same booster, calibration, bands and reference); point
    ``alias`` at it and return its version."""
    import mlflow

    from features.build import build_features
    from features.validation import read_valid_snapshot
    from models.classifier import RiskClassifier
    from models.mlflow_io import load_scorer, log_and_register, set_alias

    champion = load_scorer(MODEL_REF, tracking_uri)
    classifier = RiskClassifier()
    classifier.feature_names_ = list(champion.feature_names)
    classifier.booster_ = champion.booster
    classifier.calibrator_ = champion.calibrator
    example = build_features(read_valid_snapshot(snapshot_dir)).head(5)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    experiment_id = client.get_run(champion.run_id).info.experiment_id
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    with mlflow.start_run(experiment_id=experiment_id):
        version = log_and_register(
            classifier=classifier,
            thresholds=champion.thresholds,
            reference=champion.reference,
            metrics=champion.metrics,
            input_example=example,
            model_name=champion.name,
            staging_dir=staging_dir,
        )
    set_alias(client, champion.name, alias, version.version, "test: without a role model")
    return version.version

"""A challenger version made from the champion's files with some of them replaced (new bands,
a booster boosted further on the platform's decisions), logged with its evidence in MLflow and
aliased @challenger: moderators keep the champion until a person promotes."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mlflow

from models.mlflow_io import (
    ARTIFACT_FILES,
    MODEL_ARTIFACT_NAME,
    OPTIONAL_ARTIFACT_FILES,
    RegisteredVersion,
    default_artifact_root,
    ensure_experiment,
    set_alias,
)
from models.pyfunc import RiskPyfunc
from training.promotion import CHALLENGER
from training.tracking import write_json


def register_variant(
    base: RegisteredVersion,
    files: Mapping[str, str],
    replaced: Mapping[str, str],
    *,
    kind: str,
    evidence: Mapping[str, Any],
    metrics: Mapping[str, float],
    tracking_uri: str,
    experiment: str,
    artifact_root: Path | None,
    staging_dir: Path,
    reason: str,
) -> RegisteredVersion:
    """Register the champion's artifact files, the ``replaced`` ones (key -> text) swapped in,
    as a new version of the same model with ``evidence`` logged; alias it @challenger."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    staged = {
        key: str(shutil.copy(path, staging_dir / Path(path).name)) for key, path in files.items()
    }
    for key, text in replaced.items():
        name = {**ARTIFACT_FILES, **OPTIONAL_ARTIFACT_FILES}[key]
        staged[key] = str(staging_dir / Path(staged.get(key, name)).name)
        Path(staged[key]).write_text(text, encoding="utf-8")
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    root = artifact_root or default_artifact_root(tracking_uri)
    experiment_id = ensure_experiment(tracking_uri, experiment, root)
    with mlflow.start_run(experiment_id=experiment_id, run_name=kind) as run:
        mlflow.set_tags({"kind": kind, "base_version": base.version})
        mlflow.log_params({"base_model": base.model_uri})
        mlflow.log_metrics(dict(metrics))
        mlflow.log_artifact(str(write_json(staging_dir / f"{kind}_evidence.json", evidence)))
        info = mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT_NAME,
            python_model=RiskPyfunc(),
            artifacts=staged,
            registered_model_name=base.name,
        )
        version = RegisteredVersion(
            name=base.name,
            version=str(info.registered_model_version),
            run_id=run.info.run_id,
            model_uri=f"models:/{base.name}/{info.registered_model_version}",
        )
        client = mlflow.MlflowClient(tracking_uri=tracking_uri)
        set_alias(client, base.name, CHALLENGER, version.version, reason)
    return version

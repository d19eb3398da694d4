"""Everything a training run writes to MLflow: parameters, metrics, tags, report artifacts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from models.mlflow_io import default_artifact_root, ensure_experiment
from training.config import TrainingConfig


@contextmanager
def training_run(tracking_uri: str, config: TrainingConfig) -> Iterator[tuple[str, str]]:
    """An active MLflow run in the configured experiment; yields (experiment id, run id)."""
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    root = config.artifact_root or default_artifact_root(tracking_uri)
    experiment_id = ensure_experiment(tracking_uri, config.experiment, root)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        yield experiment_id, run.info.run_id


def flatten_metrics(
    evaluation: Mapping[str, Mapping[str, Mapping[str, float]]],
) -> dict[str, float]:
    """``split.scorer.metric`` -> value, finite values only (MLflow's metric names)."""
    return {
        f"{split}.{scorer}.{name}": float(value)
        for split, by_scorer in evaluation.items()
        for scorer, values in by_scorer.items()
        for name, value in values.items()
        if pd.notna(value)
    }


def log_inputs(
    config: TrainingConfig, classifier_params: Mapping[str, Any], tags: Mapping[str, str]
) -> None:
    """Parameters (training config and classifier) and identifying tags."""
    params = {
        "seed": config.seed,
        "review_capacity": config.review_capacity,
        "band_precisions": ",".join(str(p) for p in config.band_precisions),
        "calibration": config.calibration,
        "out_of_time_train_share": config.out_of_time_train_share,
        **{f"classifier.{k}": v for k, v in classifier_params.items()},
    }
    mlflow.log_params(params)
    mlflow.set_tags(dict(tags))


def write_json(path: Path, document: Any) -> Path:
    """Pretty JSON (non-finite numbers become null)."""
    text = json.dumps(_finite(document), ensure_ascii=False, indent=1, default=str)
    path.write_text(text, encoding="utf-8")
    return path


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value

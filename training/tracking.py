"""Everything a training run writes to MLflow: parameters, metrics, tags, report artifacts."""

from __future__ import annotations

import json
import subprocess
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow
import mlflow.data.pandas_dataset
import pandas as pd

from features.snapshot import Snapshot
from models.mlflow_io import default_artifact_root, ensure_experiment
from training.config import TrainingConfig

# MLflow's own tag for the code version of a run (what its UI shows under "Source")
GIT_COMMIT_TAG = "mlflow.source.git.commit"
DATASET_NAME = "labelled-features"


@contextmanager
def training_run(tracking_uri: str, config: TrainingConfig) -> Iterator[tuple[str, str]]:
    """An active MLflow run in the configured experiment; yields (experiment id, run id)."""
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    root = config.artifact_root or default_artifact_root(tracking_uri)
    experiment_id = ensure_experiment(tracking_uri, config.experiment, root)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        yield experiment_id, run.info.run_id


def git_commit(directory: Path = Path(__file__).resolve().parent) -> str | None:
    """The commit of the checkout holding the training code (None: not a git checkout, e.g. an
    installed wheel, or no git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def log_lineage(snapshot: Snapshot, table: pd.DataFrame, fingerprint: str) -> None:
    """The code (git commit) and the data (the labelled feature table, with the snapshot's
    folder as its source and the snapshot fingerprint as its digest) the run trained on."""
    commit = git_commit()
    if commit is not None:
        mlflow.set_tag(GIT_COMMIT_TAG, commit)
    folders = {str(Path(path).resolve().parent) for path in snapshot.files.values()}
    # a snapshot read from one folder names it; one built in memory has no source to name
    where: dict[str, str] = {"source": folders.pop()} if len(folders) == 1 else {}
    numeric = table.select_dtypes(include=["number", "bool"])
    with warnings.catch_warnings():
        # a local folder matches MLflow's local source twice; integer columns never hold NaN
        warnings.filterwarnings("ignore", message=".*(multiple ways|integer column)")
        dataset = mlflow.data.pandas_dataset.from_pandas(
            numeric,
            **where,
            targets="label" if "label" in numeric.columns else None,
            name=DATASET_NAME,
            digest=fingerprint[:36],
        )
        mlflow.log_input(dataset, context="training")


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

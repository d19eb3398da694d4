"""A training run records what it was trained from: the code's git commit and the labelled
feature table of the snapshot (``mlflow.log_input``), as MLflow's own UI and API show them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import mlflow
import pytest

from tests.trained_world import TrainedWorld
from training.tracking import DATASET_NAME, GIT_COMMIT_TAG, git_commit

pytestmark = pytest.mark.slow


def _champion_run(world: TrainedWorld) -> mlflow.entities.Run:
    client = mlflow.MlflowClient(world.tracking_uri, registry_uri=world.tracking_uri)
    version = client.get_model_version_by_alias("mlm-risk", "champion")
    return client.get_run(str(version.run_id))


def test_run_records_the_git_commit_of_the_code(trained_world: TrainedWorld) -> None:
    head = subprocess.run(
        ["git", "-C", str(Path(__file__).parent), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert _champion_run(trained_world).data.tags[GIT_COMMIT_TAG] == head


def test_run_logs_the_training_dataset_with_its_source_and_fingerprint(
    trained_world: TrainedWorld,
) -> None:
    run = _champion_run(trained_world)
    (logged,) = run.inputs.dataset_inputs
    dataset = logged.dataset
    assert dataset.name == DATASET_NAME
    assert run.data.tags["data_fingerprint"].startswith(dataset.digest)
    assert str(trained_world.snapshot_dir.resolve()) in dataset.source
    assert [tag.value for tag in logged.tags if tag.key == "mlflow.data.context"] == ["training"]
    assert '"label"' in dataset.schema and '"recruits_30d"' in dataset.schema


def test_no_commit_outside_a_git_checkout(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None

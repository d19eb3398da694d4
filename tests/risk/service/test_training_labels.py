"""`risk train --labels-from-decisions`: moderators' decisions become training labels."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from risk.service.training import MIN_LABELS_PER_CLASS, merge_decision_labels
from tests.api.world import World, build_world
from tests.trained_world import TrainedWorld
from training.errors import TrainingDataError

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def world(trained_world: TrainedWorld, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The shared trained world with a published scoring run, in a home of this module's own
    (the tests record decisions in its store and train into its MLflow store)."""
    return build_world(tmp_path_factory.mktemp("decisions-world"), trained_world)


@pytest.fixture(scope="module")
def snapshot_labels(world: World) -> pd.DataFrame:
    return pd.read_parquet(world.snapshot_dir / "labels.parquet").astype({"account_id": "str"})


@pytest.fixture(scope="module")
def unlabelled_snapshot(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same snapshot without its labels file: decisions are then the only labels."""
    target = tmp_path_factory.mktemp("unlabelled") / "snapshot"
    shutil.copytree(world.snapshot_dir, target)
    (target / "labels.parquet").unlink()
    return target


@pytest.fixture
def risk_home(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """RISK_HOME = the world's folder: its store (risk.db) and MLflow registry (mlflow.db)."""
    from risk.settings import get_settings

    monkeypatch.setenv("RISK_HOME", str(world.home))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("RISK_MLFLOW_TRACKING_URI", raising=False)
    get_settings.cache_clear()
    yield world.home
    get_settings.cache_clear()


def _decisions(pairs: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": pd.Series(list(pairs), dtype="str"),
            "label": pd.Series(list(pairs.values()), dtype="int64"),
        }
    )


def test_decisions_override_snapshot_labels_and_add_missing_accounts(
    snapshot_labels: pd.DataFrame,
) -> None:
    scheme = snapshot_labels.loc[snapshot_labels["label"] == 1, "account_id"].iloc[0]
    legit = snapshot_labels.loc[snapshot_labels["label"] == 0, "account_id"].iloc[:2].tolist()
    partial = snapshot_labels[snapshot_labels["account_id"] != legit[1]]  # one account unlabelled
    accounts = snapshot_labels["account_id"]
    decisions = _decisions({scheme: 0, legit[0]: 1, legit[1]: 1, "not-in-snapshot": 1})
    merged = merge_decision_labels(partial, decisions, accounts)
    labels = merged.labels.set_index("account_id")["label"]
    assert labels[scheme] == 0 and labels[legit[0]] == 1  # the moderators' word wins
    assert labels[legit[1]] == 1  # a decided account the labels lacked is added
    assert merged.labels.set_index("account_id").loc[legit[1], "role"] == ""
    assert "not-in-snapshot" not in labels.index
    assert len(labels) == len(snapshot_labels) and labels.index.is_unique
    assert (merged.decided, merged.overridden, merged.changed, merged.ignored) == (3, 2, 2, 1)
    untouched = partial.set_index("account_id")["label"].drop([scheme, legit[0]])
    assert labels.reindex(untouched.index).equals(untouched.astype("int64"))
    assert "overriding 2 snapshot labels" in merged.describe()


def test_without_snapshot_labels_only_decided_accounts_are_labelled(
    snapshot_labels: pd.DataFrame,
) -> None:
    chosen = snapshot_labels.head(3 * MIN_LABELS_PER_CLASS)
    pairs = dict(zip(chosen["account_id"], [i % 2 for i in range(len(chosen))], strict=True))
    merged = merge_decision_labels(None, _decisions(pairs), snapshot_labels["account_id"])
    assert dict(zip(merged.labels["account_id"], merged.labels["label"], strict=True)) == pairs
    assert (merged.labels["role"] == "").all()  # the contract's "role not known"
    assert (merged.decided, merged.overridden, merged.ignored) == (len(pairs), 0, 0)


@pytest.mark.parametrize(
    ("scheme", "legitimate", "message"),
    [
        (MIN_LABELS_PER_CLASS + 5, 0, "one class only"),
        (MIN_LABELS_PER_CLASS, MIN_LABELS_PER_CLASS - 1, "too few labels"),
        (0, 0, "no confirm/dismiss decision"),
    ],
)
def test_too_few_or_one_class_decision_labels_are_refused(
    snapshot_labels: pd.DataFrame, scheme: int, legitimate: int, message: str
) -> None:
    ids = snapshot_labels["account_id"].head(scheme + legitimate).tolist()
    decisions = _decisions(dict(zip(ids, [1] * scheme + [0] * legitimate, strict=True)))
    with pytest.raises(TrainingDataError, match=message) as refused:
        merge_decision_labels(None, decisions, snapshot_labels["account_id"])
    assert refused.value.exit_code == 1


def test_cli_refuses_too_few_decisions_with_exit_1(
    world: World, unlabelled_snapshot: Path, risk_home: Path, snapshot_labels: pd.DataFrame
) -> None:
    from risk.store.db import open_store
    from risk.store.decisions import record_decision

    engine = open_store(world.store_url)
    for account, label in snapshot_labels.head(4)[["account_id", "label"]].itertuples(index=False):
        decision = "confirm" if label == 1 else "dismiss"
        record_decision(engine, account_id=account, decision=decision, note=None, reviewer="t")
    engine.dispose()
    done = subprocess.run(
        [
            *(sys.executable, "-c", "from risk.cli import main; main()", "train"),
            *(str(unlabelled_snapshot), "--labels-from-decisions", "--no-out-of-time"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "RISK_HOME": str(risk_home)},
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    said = " ".join(done.stderr.split())  # the console wraps long lines
    # with a champion the default retraining stacks on it and counts the decisions' networks too
    refusals = ("too few labels", "one class only", "stacking a platform model needs")
    assert any(refusal in said for refusal in refusals), said
    assert f"at least {MIN_LABELS_PER_CLASS} of each" in said


def test_cli_trains_on_decided_accounts_only(
    world: World, unlabelled_snapshot: Path, risk_home: Path, snapshot_labels: pd.DataFrame
) -> None:
    from risk.cli import app
    from risk.service.decisions import labels_from_decisions
    from risk.store.db import open_store
    from risk.store.decisions import record_decision

    # Moderators decide on 60% of the accounts, agreeing with the simulator's ground truth.
    sample = snapshot_labels.sample(frac=0.6, random_state=2)
    engine = open_store(world.store_url)
    for account, label in sample[["account_id", "label"]].itertuples(index=False):
        decision = "confirm" if label == 1 else "dismiss"
        record_decision(engine, account_id=account, decision=decision, note=None, reviewer="t")
    decided = len(labels_from_decisions(engine=engine))  # includes the earlier test's few decisions
    engine.dispose()
    result = CliRunner().invoke(
        app,
        [
            "train",
            str(unlabelled_snapshot),
            "--labels-from-decisions",
            "--no-out-of-time",
            "--name",
            "from-decisions",
        ],
    )
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    assert f"labels from {decided:,} moderator decisions" in result.output
    assert f"Trained on {decided:,} labelled accounts" in result.output
    assert "Registered from-decisions version 1" in result.output


def test_cli_decisions_override_the_snapshot_labels(
    world: World, risk_home: Path, snapshot_labels: pd.DataFrame
) -> None:
    from risk.cli import app
    from risk.service.decisions import labels_from_decisions
    from risk.store.db import open_store

    engine = open_store(world.store_url)
    decided = len(labels_from_decisions(engine=engine))  # recorded by the tests above
    engine.dispose()
    assert decided >= 2 * MIN_LABELS_PER_CLASS
    arguments = ["train", str(world.snapshot_dir), "--labels-from-decisions", "--no-out-of-time"]
    result = CliRunner().invoke(app, [*arguments, "--name", "decisions-over-labels"])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    # The moderators agreed with the ground truth: every decided label overrides, none changes.
    assert f"overriding {decided:,} snapshot labels, 0 changed" in result.output
    assert f"Trained on {len(snapshot_labels):,} labelled accounts" in result.output

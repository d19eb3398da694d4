from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from models.bands import choose_band_thresholds
from models.classifier import RiskClassifier
from models.errors import ModelNotFoundError
from models.mlflow_io import (
    RegisteredVersion,
    ensure_experiment,
    load_scorer,
    log_and_register,
    parse_model_ref,
    set_alias,
)
from models.reference import build_reference

Split = dict[str, tuple[pd.DataFrame, np.ndarray]]


def _register(
    fitted: RiskClassifier, split: Split, tracking_uri: str, tmp_path: Path
) -> RegisteredVersion:
    X_val, y_val = split["val"]
    thresholds = choose_band_thresholds(y_val, fitted.predict_proba(X_val)[:, 1])
    X, y = split["train"]
    reference = build_reference(
        X.to_numpy(), fitted.feature_names_, y, fitted.predict_proba(X)[:, 1]
    )
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    experiment_id = ensure_experiment(tracking_uri, "test", tmp_path / "artifacts")
    with mlflow.start_run(experiment_id=experiment_id):
        return log_and_register(
            classifier=fitted,
            thresholds=thresholds,
            reference=reference,
            metrics={"test": {"average_precision": 0.9}},
            input_example=X.head(3),
            model_name="toy-risk",
            staging_dir=tmp_path / "staging",
        )


def test_registered_model_loads_back_with_same_probabilities(
    fitted: RiskClassifier, toy_split: Split, tracking_uri: str, tmp_path: Path
) -> None:
    registered = _register(fitted, toy_split, tracking_uri, tmp_path)
    client = mlflow.MlflowClient(tracking_uri)
    set_alias(client, "toy-risk", "champion", registered.version, "first model")
    X_test, _ = toy_split["test"]
    expected = fitted.predict_proba(X_test)[:, 1]

    for ref in ("toy-risk@champion", f"toy-risk/{registered.version}", "models:/toy-risk@champion"):
        scorer = load_scorer(ref, tracking_uri)
        np.testing.assert_array_equal(scorer.predict_proba(X_test), expected)
    assert scorer.version == registered.version and scorer.run_id == registered.run_id
    assert scorer.feature_names == tuple(fitted.feature_names_)
    assert set(scorer.thresholds) == {"medium", "high", "critical"}
    assert scorer.metrics["test"]["average_precision"] == 0.9
    np.testing.assert_array_equal(scorer.raw_score(X_test), fitted.raw_score(X_test))

    # the MLflow-native pyfunc returns probabilities, not class labels
    pyfunc = mlflow.pyfunc.load_model("models:/toy-risk@champion")
    output = pyfunc.predict(X_test)
    np.testing.assert_allclose(output["probability"].to_numpy(), expected)
    assert not set(np.unique(output["probability"])) <= {0.0, 1.0}


def test_reference_holds_legitimate_medians(
    fitted: RiskClassifier, toy_split: Split, tracking_uri: str, tmp_path: Path
) -> None:
    registered = _register(fitted, toy_split, tracking_uri, tmp_path)
    scorer = load_scorer(registered.model_uri, tracking_uri)
    X, y = toy_split["train"]
    medians = scorer.reference_medians
    assert medians["recruits_30d"] == pytest.approx(X["recruits_30d"][y == 0].median())
    score_bins = scorer.reference["score"]
    assert sum(score_bins["proportions"]) == pytest.approx(1.0)
    assert len(score_bins["proportions"]) == len(score_bins["bin_edges"]) + 1


def test_alias_moves_are_recorded_on_both_versions(
    fitted: RiskClassifier, toy_split: Split, tracking_uri: str, tmp_path: Path
) -> None:
    first = _register(fitted, toy_split, tracking_uri, tmp_path / "a")
    second = _register(fitted, toy_split, tracking_uri, tmp_path / "b")
    client = mlflow.MlflowClient(tracking_uri)
    set_alias(client, "toy-risk", "champion", first.version, "first")
    change = set_alias(client, "toy-risk", "champion", second.version, "better")
    assert (change.previous_version, change.version) == (first.version, second.version)
    assert (
        "better" in client.get_model_version("toy-risk", second.version).tags["alias.champion.set"]
    )
    moved = client.get_model_version("toy-risk", first.version).tags["alias.champion.moved_away"]
    assert f"to version {second.version}" in moved


def test_missing_model_says_what_to_do(tracking_uri: str) -> None:
    with pytest.raises(ModelNotFoundError, match=r"mlm-risk@champion.*risk train") as error:
        load_scorer("mlm-risk@champion", tracking_uri)
    assert error.value.http_status == 503


@pytest.mark.parametrize(
    ("ref", "parsed"),
    [
        ("mlm-risk@champion", ("mlm-risk", "champion", None)),
        ("models:/mlm-risk@challenger", ("mlm-risk", "challenger", None)),
        ("mlm-risk/12", ("mlm-risk", None, "12")),
        ("models:/mlm-risk/3", ("mlm-risk", None, "3")),
    ],
)
def test_model_references(ref: str, parsed: tuple[str, str | None, str | None]) -> None:
    assert parse_model_ref(ref) == parsed


def test_bad_model_reference() -> None:
    with pytest.raises(ModelNotFoundError, match="NAME@ALIAS"):
        parse_model_ref("mlm-risk")

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from features.registry import FEATURE_REGISTRY_VERSION, model_feature_names
from features.snapshot import Snapshot
from models.mlflow_io import load_scorer
from training.config import TrainingConfig
from training.data import labelled_features
from training.errors import TrainingDataError
from training.pipeline import TrainingResult, train_and_register
from training.splits import network_parts

pytestmark = pytest.mark.slow


def _rules(frame):  # type: ignore[no-untyped-def]
    """A stand-in rules-only score: share of sales pushed to downline agents."""
    return 1.0 - frame["consumer_sales_share"].to_numpy(dtype=float)


@pytest.fixture(scope="module")
def trained(
    small_platform: Snapshot, tmp_path_factory: pytest.TempPathFactory, mlflow_template: Path
) -> TrainingResult:
    from tests.models.mlflow_template import copy_template

    directory = tmp_path_factory.mktemp("pipeline")
    uri = copy_template(mlflow_template, directory / "tracking")
    config = TrainingConfig(seed=3, artifact_root=directory / "artifacts", shap_rows=300)
    return train_and_register(small_platform, None, config, uri, {"rules_only": _rules})


def test_summary_names_every_split_and_baseline(trained: TrainingResult) -> None:
    table = trained.table.set_index(["split", "scorer"])
    for split in ("grouped_test", "out_of_time_test"):
        for scorer in ("model", "logistic_regression", "rules_only"):
            assert 0.5 <= table.loc[(split, scorer), "roc_auc"] <= 1.0
    assert table.loc[("grouped_test", "model"), "roc_auc"] > 0.9
    assert trained.alias == "champion" and trained.version == "1"
    assert trained.feature_registry_version == FEATURE_REGISTRY_VERSION
    assert set(trained.metrics["slices"]) == {"role", "family"}
    assert trained.thresholds["medium"] <= trained.thresholds["critical"]


def test_run_logs_params_tags_metrics_and_reports(trained: TrainingResult) -> None:
    client = mlflow.MlflowClient(trained.tracking_uri)
    run = client.get_run(trained.run_id)
    assert run.data.tags["data_fingerprint"] == trained.fingerprint
    assert run.data.tags["feature_registry_version"] == FEATURE_REGISTRY_VERSION
    assert run.data.tags["promotion.alias"] == "champion"
    assert run.data.params["seed"] == "3"
    assert "grouped_test.model.average_precision" in run.data.metrics
    reports = {Path(a.path).name for a in client.list_artifacts(trained.run_id, "report")}
    assert {
        "metrics.json",
        "thresholds.json",
        "model_card.md",
        "feature_importance.png",
        "shap_summary.png",
        "reliability.png",
    } <= reports
    card = Path(
        mlflow.artifacts.download_artifacts(
            run_id=trained.run_id,
            artifact_path="report/model_card.md",
            tracking_uri=trained.tracking_uri,
        )
    ).read_text(encoding="utf-8")
    assert "logistic_regression" in card and trained.fingerprint in card


def test_loaded_model_reproduces_the_logged_test_metrics(
    trained: TrainingResult, small_platform: Snapshot
) -> None:
    from sklearn.metrics import average_precision_score

    scorer = load_scorer("mlm-risk@champion", trained.tracking_uri)
    assert small_platform.labels is not None
    table = labelled_features(small_platform, small_platform.labels, trained.as_of)
    parts = network_parts(table["network_id"], table["label"], seed=3)
    test = table[(parts == "test").to_numpy()]
    scores = scorer.predict_proba(test)
    logged = trained.metrics["evaluation"]["grouped_test"]["model"]["average_precision"]
    assert average_precision_score(test["label"], scores) == pytest.approx(logged, abs=1e-12)
    pyfunc = mlflow.pyfunc.load_model(scorer.model_uri)
    np.testing.assert_allclose(
        pyfunc.predict(test[model_feature_names()])["probability"].to_numpy(), scores
    )
    stored = json.loads(json.dumps(scorer.metrics))
    assert stored["evaluation"]["grouped_test"]["model"]["average_precision"] == pytest.approx(
        logged
    )


def test_snapshot_without_labels_is_refused(small_platform: Snapshot, tracking_uri: str) -> None:
    with pytest.raises(TrainingDataError, match="--labels"):
        train_and_register(
            replace(small_platform, labels=None), None, TrainingConfig(), tracking_uri
        )


def test_role_model_is_evaluated_logged_and_registered(trained: TrainingResult) -> None:
    roles = trained.metrics["roles"]
    assert roles["trained"] is True
    assert set(roles["per_role"]) == {"organizer", "recruiter", "participant"}
    assert roles["macro_f1"] > roles["baseline_macro_f1"]
    top = roles["actionable_in_top_100"]
    assert top["by_score_and_role"] >= top["by_score"]
    logged = mlflow.MlflowClient(trained.tracking_uri).get_run(trained.run_id).data.metrics
    organizer = roles["per_role"]["organizer"]
    assert logged["roles.organizer.recall"] == pytest.approx(organizer["recall"])
    assert logged["roles.confusion.participant.participant"] == float(
        roles["confusion"]["participant"]["participant"]
    )
    assert logged["roles.actionable_in_top_100.by_score"] == top["by_score"]
    card = _model_card(trained)
    assert "## Roles" in card and "Macro F1" in card
    scorer = load_scorer(trained.model_uri, trained.tracking_uri)
    assert scorer.role_model is not None


def test_labels_without_roles_train_no_role_model(
    small_platform: Snapshot, tmp_path: Path, mlflow_template: Path
) -> None:
    from tests.models.mlflow_template import copy_template

    assert small_platform.labels is not None
    # a labels file without the optional column reads as a role column of missing values
    no_roles = replace(small_platform, labels=small_platform.labels.assign(role=None))
    uri = copy_template(mlflow_template, tmp_path / "tracking")
    config = TrainingConfig(
        seed=3, artifact_root=tmp_path / "artifacts", shap_rows=100, out_of_time=False
    )
    result = train_and_register(no_roles, None, config, uri)
    assert result.metrics["roles"] == {
        "trained": False,
        "note": "the labels have no role column: no role model was trained",
    }
    logged = mlflow.MlflowClient(uri).get_run(result.run_id).data.metrics
    assert not [name for name in logged if name.startswith("roles.")]
    assert "No role estimate: the labels have no role column" in _model_card(result)
    scorer = load_scorer(result.model_uri, uri)
    assert scorer.role_model is None and scorer.likely_roles(pd.DataFrame()) is None


def _model_card(result: TrainingResult) -> str:
    path = mlflow.artifacts.download_artifacts(
        run_id=result.run_id, artifact_path="report/model_card.md", tracking_uri=result.tracking_uri
    )
    return Path(path).read_text(encoding="utf-8")


def _held_out_test(snapshot: Snapshot, result: TrainingResult, seed: int) -> pd.DataFrame:
    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, result.as_of)
    parts = network_parts(table["network_id"], table["label"], seed=seed)
    return table[(parts == "test").to_numpy()]


def test_lightgbm_ships_alone_where_it_wins(trained: TrainingResult) -> None:
    selection = trained.metrics["selection"]
    assert selection["shipped"] == selection["kind"] == "lightgbm"
    assert not selection["held_out_fallback"]
    # on the held-out networks the model row is LightGBM itself (the out-of-time check fits
    # and chooses again, on its own validation networks)
    assert "lightgbm" not in trained.metrics["evaluation"]["grouped_test"]
    tags = mlflow.MlflowClient(trained.tracking_uri).get_run(trained.run_id).data.tags
    assert tags["model.shipped"] == "lightgbm" and tags["model.weight_lightgbm"] == "1.0"
    scorer = load_scorer(trained.model_uri, trained.tracking_uri)
    assert scorer.kind == "lightgbm" and scorer.blend is None
    calibration = trained.data["parts"]["calibration"]
    assert scorer.training_prior == pytest.approx(
        calibration["positives"] / calibration["accounts"]
    )
    card = _model_card(trained)
    assert "LightGBM alone (gradient-boosted trees, calibrated)" in card
    assert f"calibration networks' scheme share, {scorer.training_prior:.1%}" in card
    assert not [w for w in trained.warnings if "does not ship" in w]


@pytest.fixture(scope="module")
def baseline_wins(
    small_platform: Snapshot, tmp_path_factory: pytest.TempPathFactory, mlflow_template: Path
) -> TrainingResult:
    """A world where the logistic regression beats LightGBM: a two-stump booster."""
    from tests.models.mlflow_template import copy_template

    directory = tmp_path_factory.mktemp("baseline-wins")
    config = TrainingConfig(
        seed=3,
        artifact_root=directory / "artifacts",
        shap_rows=100,
        out_of_time=False,
        classifier={"n_estimators": 2, "num_leaves": 2, "early_stopping_rounds": 1},
    )
    uri = copy_template(mlflow_template, directory / "tracking")
    return train_and_register(small_platform, None, config, uri, {"rules_only": _rules})


def test_where_the_baseline_wins_the_better_model_ships(
    baseline_wins: TrainingResult, small_platform: Snapshot
) -> None:
    selection = baseline_wins.metrics["selection"]
    assert selection["kind"] in ("blend", "logistic_regression")
    held_out = baseline_wins.metrics["evaluation"]["grouped_test"]
    lightgbm, model = held_out["lightgbm"], held_out["model"]
    assert model["average_precision"] > lightgbm["average_precision"] + 0.05
    for baseline in ("logistic_regression", "rules_only"):  # never worse than its baselines
        for key in ("average_precision", "precision_at_100"):
            assert model[key] >= held_out[baseline][key]
    assert baseline_wins.alias == "champion"
    assert any("LightGBM alone does not ship" in w for w in baseline_wins.warnings)

    run = mlflow.MlflowClient(baseline_wins.tracking_uri).get_run(baseline_wins.run_id)
    assert run.data.tags["model.shipped"] == selection["kind"]
    assert run.data.metrics["grouped_test.model.average_precision"] == pytest.approx(
        model["average_precision"]
    )
    assert "validation.lightgbm.average_precision" in run.data.metrics
    card = _model_card(baseline_wins)
    assert "## What ships" in card and "come from the LightGBM" in card

    # what ships loads through load_scorer and scores exactly as evaluated
    from sklearn.metrics import average_precision_score

    scorer = load_scorer("mlm-risk@champion", baseline_wins.tracking_uri)
    assert scorer.kind == selection["kind"] and scorer.blend is not None
    test = _held_out_test(small_platform, baseline_wins, seed=3)
    scores = scorer.predict_proba(test)
    assert average_precision_score(test["label"], scores) == pytest.approx(
        model["average_precision"], abs=1e-12
    )
    pyfunc = mlflow.pyfunc.load_model(scorer.model_uri)
    np.testing.assert_allclose(
        pyfunc.predict(test[model_feature_names()])["probability"].to_numpy(), scores
    )
    # explanations still read the LightGBM booster, whose own scores are the weak ones
    booster_ap = average_precision_score(test["label"], scorer.raw_score(test))
    assert booster_ap == pytest.approx(lightgbm["average_precision"], abs=1e-9)

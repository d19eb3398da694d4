"""Inside one MLflow run: log inputs, metrics and report artifacts, register, promote."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from features.registry import FEATURE_REGISTRY_VERSION
from features.snapshot import Snapshot
from models.blend import Shipped
from models.classifier import RiskClassifier
from models.mlflow_io import log_and_register
from models.roles import RoleClassifier
from training.config import TrainingConfig
from training.evaluation import MODEL
from training.metrics import role_metric_values
from training.model_card import render_model_card
from training.plots import importance_plot, reliability_plot, shap_summary
from training.promotion import PromotionDecision, promote_new_version
from training.tracking import (
    _finite,
    flatten_metrics,
    log_inputs,
    log_lineage,
    training_run,
    write_json,
)


@dataclass(frozen=True)
class LoggedRun:
    """The MLflow run and registered version a training run produced."""

    experiment_id: str
    run_id: str
    version: str
    model_uri: str
    decision: PromotionDecision


def register_and_report(
    *,
    tracking_uri: str,
    config: TrainingConfig,
    classifier: RiskClassifier,
    shipped: Shipped,
    role_classifier: RoleClassifier | None,
    thresholds: Mapping[str, float],
    test: pd.DataFrame,
    metrics: Mapping[str, Any],
    reference: Mapping[str, Any],
    data: Mapping[str, Any],
    fingerprint: str,
    table: pd.DataFrame,
    snapshot: Snapshot,
    labelled: pd.DataFrame,
) -> LoggedRun:
    """Log the run (with its code and data lineage: ``labelled`` is the labelled feature table
    of ``snapshot``), register the model, decide its alias, write the model card."""
    features = list(classifier.feature_names_)
    held_out = _finite(dict(metrics))
    selection = metrics["selection"]
    tags = {
        "data_fingerprint": fingerprint,
        "feature_registry_version": FEATURE_REGISTRY_VERSION,
        "as_of": str(data["as_of"]),
        "model_name": config.model_name,
        # what scores: lightgbm, blend or logistic_regression (explanations: LightGBM always)
        "model.shipped": str(selection["kind"]),
        "model.candidate": str(selection["shipped"]),
        "model.weight_lightgbm": str(selection["weight_lightgbm"]),
        "model.held_out_fallback": str(bool(selection["held_out_fallback"])).lower(),
        "model.selection_reason": str(selection["reason"])[:5000],
    }
    with (
        training_run(tracking_uri, config) as (experiment_id, run_id),
        tempfile.TemporaryDirectory(prefix="risk-train-") as scratch,
    ):
        log_inputs(config, classifier.get_params(), tags)
        log_lineage(snapshot, labelled, fingerprint)
        mlflow.log_metrics(
            flatten_metrics(metrics["evaluation"])
            | flatten_metrics({"validation": selection["validation"]})
            | role_metric_values(metrics)
        )
        report = Path(scratch) / "report"
        report.mkdir()
        write_json(report / "metrics.json", held_out)
        write_json(report / "thresholds.json", dict(thresholds))
        write_json(report / "data.json", dict(data))
        write_json(report / "selection.json", dict(selection))
        importance_plot(classifier.feature_importance(), report / "feature_importance.png", "gain")
        reliability_plot(metrics["reliability"], report / "reliability.png")
        mean_shap = shap_summary(
            classifier.booster_,
            features,
            reference,
            test[features],
            report / "shap_summary.png",
            config.shap_rows,
            config.seed,
        )
        write_json(report / "mean_abs_shap.json", mean_shap.to_dict())
        registered = log_and_register(
            classifier=classifier,
            thresholds=thresholds,
            reference=reference,
            metrics=held_out,
            input_example=test[features].head(5),
            role_classifier=role_classifier,
            shipped=shipped,
            model_name=config.model_name,
            staging_dir=Path(scratch) / "model",
        )
        decision = promote_new_version(
            tracking_uri=tracking_uri,
            name=config.model_name,
            version=registered.version,
            test=test,
            new_metrics=metrics["evaluation"]["grouped_test"][MODEL],
            k=config.review_capacity,
            force=config.force_promote,
            shortfall=metrics.get("baseline_shortfall"),
        )
        card = render_model_card(
            name=config.model_name,
            version=registered.version,
            run_id=run_id,
            data=data,
            metrics=held_out,
            table=table,
            thresholds=thresholds,
            importance=mean_shap,
            fingerprint=fingerprint,
            registry_version=FEATURE_REGISTRY_VERSION,
            promotion=f"alias `{decision.alias}`: {decision.reason}",
            selection=selection,
        )
        (report / "model_card.md").write_text(card, encoding="utf-8")
        mlflow.log_artifacts(str(report), artifact_path="report")
    return LoggedRun(experiment_id, run_id, registered.version, registered.model_uri, decision)

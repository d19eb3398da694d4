"""The model card section: the training run's MLflow artifacts, the registry, this run's drift."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException

from features.registry import REGISTRY
from risk.report.errors import ReportError
from risk.report.i18n import (
    LABEL_SOURCE,
    LIMITATIONS,
    METRIC_NAMES,
    PURPOSE,
    TRAINED_ON_SCORED,
)
from risk.store.retention_tallies import DroppedRows
from risk.vocab import FLAGGED_BANDS, Lang

REPORT_ARTIFACTS = ("data.json", "mean_abs_shap.json", "metrics.json", "thresholds.json")


def training_artifacts(tracking_uri: str, mlflow_run_id: str | None) -> dict[str, Any]:
    """The training run's report JSON files by name (none when the run logged no report)."""
    if not mlflow_run_id:
        return {}
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    try:
        listed = {Path(item.path).name for item in client.list_artifacts(mlflow_run_id, "report")}
        wanted = [name for name in REPORT_ARTIFACTS if name in listed]
        if not wanted:
            return {}
        with tempfile.TemporaryDirectory(prefix="risk-report-") as scratch:
            local = Path(
                mlflow.artifacts.download_artifacts(
                    run_id=mlflow_run_id,
                    artifact_path="report",
                    dst_path=scratch,
                    tracking_uri=tracking_uri,
                )
            )
            return {name: json.loads((local / name).read_text("utf-8")) for name in wanted}
    except (MlflowException, OSError, ValueError) as error:
        # A listed artifact that cannot be read must not silently thin out the model card.
        raise ReportError(
            f"cannot read the training report of MLflow run {mlflow_run_id}: {error}"
        ) from error


def training_fingerprint(tracking_uri: str, mlflow_run_id: str | None) -> str | None:
    """The data fingerprint the training run logged (None: unknown run or no such tag)."""
    if not mlflow_run_id:
        return None
    try:
        run = mlflow.MlflowClient(tracking_uri=tracking_uri).get_run(mlflow_run_id)
    except MlflowException:
        return None
    return run.data.tags.get("data_fingerprint")


def _round(value: Any, digits: int = 4) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if not np.isfinite(number) else round(number, digits)


def expected_calibration_error(reliability: list[Mapping[str, float]]) -> float | None:
    """Account-weighted mean |observed - predicted| over the reliability bins."""
    if not reliability:
        return None
    table = pd.DataFrame(reliability)
    weights = table["accounts"].to_numpy(dtype="float64")
    gaps = (table["observed_rate"] - table["mean_predicted"]).abs().to_numpy(dtype="float64")
    return _round(float((gaps * weights).sum() / max(weights.sum(), 1.0)))


def _count(value: Any) -> int | None:
    """A count stored as a float (MLflow metrics are floats) as the whole number it is."""
    return None if value is None else round(float(value))


def validation_metrics(metrics: Mapping[str, Any], k: int, lang: Lang) -> list[dict[str, Any]]:
    """Held-out metrics of the model beside the logistic-regression baseline."""
    grouped = metrics.get("evaluation", {}).get("grouped_test", {})
    model, baseline = grouped.get("model", {}), grouped.get("logistic_regression", {})
    keys = {
        "roc_auc": "roc_auc",
        "average_precision": "average_precision",
        "precision_at_k": f"precision_at_{k}",
        "recall_at_k": f"recall_at_{k}",
        "brier": "brier",
        "accounts": "accounts",
        "positives": "positives",
    }
    counts = ("accounts", "positives")  # whole numbers: 3,969, never "3969.0"
    rows = [
        {
            "metric": name,
            "label": METRIC_NAMES[name][lang].format(k=k),
            "model": _count(model.get(source)) if name in counts else _round(model.get(source)),
            "baseline": _count(baseline.get(source))
            if name in counts
            else _round(baseline.get(source)),
        }
        for name, source in keys.items()
    ]
    ece = expected_calibration_error(metrics.get("reliability", []))
    rows.append(
        {"metric": "ece", "label": METRIC_NAMES["ece"][lang], "model": ece, "baseline": None}
    )
    return rows


def _review_capacity(metrics: Mapping[str, Any]) -> int:
    """The k of precision@k the training run used (read back from the metric names)."""
    model = metrics.get("evaluation", {}).get("grouped_test", {}).get("model", {})
    ks = [int(name.rsplit("_", 1)[1]) for name in model if name.startswith("precision_at_")]
    return ks[0] if ks else 100


def feature_table(
    feature_names: list[str], importance: Mapping[str, float], lang: Lang
) -> list[dict[str, Any]]:
    """Every model feature: its registry definition and mean |SHAP| at training."""
    rows = []
    for name in feature_names:
        spec = REGISTRY.get(name)
        rows.append(
            {
                "feature": name,
                "group": None if spec is None else spec.group,
                "unit": None if spec is None else spec.unit,
                "definition": ""
                if spec is None
                else (spec.description_zh if lang == "zh" else spec.description_en),
                "mean_abs_shap": _round(importance.get(name), 5),
            }
        )
    return rows


def monitoring(drift: Mapping[str, Any] | None) -> dict[str, Any]:
    """This run's drift: score PSI, the threshold, features above it (largest first), warnings."""
    drift = dict(drift or {})
    threshold = _round(drift.get("threshold"))
    psi = {str(k): _round(v) for k, v in dict(drift.get("feature_psi") or {}).items()}
    limit = threshold if threshold is not None else float("inf")
    drifted = sorted(
        ((name, value) for name, value in psi.items() if value is not None and value > limit),
        key=lambda item: (-float(item[1] or 0.0), item[0]),
    )
    return {
        "score_psi": _round(drift.get("score_psi")),
        "threshold": threshold,
        "drifted_features": [{"feature": n, "psi": v} for n, v in drifted],
        "feature_psi": dict(sorted(psi.items())),
        "warnings": [str(w) for w in drift.get("warnings", []) or []],
    }


def fairness(
    frame: pd.DataFrame, confirmed_accounts: set[str], dropped: DroppedRows
) -> list[dict[str, Any]]:
    """Accounts, flagged (high+) and confirmed per region, with the flag rate.

    Accounts pruned from the run count by region from its tallies: none was flagged, and none
    had a decision when it was pruned.
    """
    table = pd.DataFrame(
        {
            "region": frame["region"],
            "accounts": 1,
            "flagged": frame["band"].isin(FLAGGED_BANDS).astype("int64"),
            "confirmed": frame["account_id"].isin(confirmed_accounts).astype("int64"),
        }
    )
    pruned = pd.DataFrame(
        [(region, n, 0, 0) for region, n in dropped.regions.items()], columns=list(table.columns)
    )
    if len(pruned):
        table = pd.concat([table, pruned], ignore_index=True)
    table["region"] = table["region"].fillna("").astype("str").replace("", "(unknown)")
    grouped = table.groupby("region", sort=True)[["accounts", "flagged", "confirmed"]].sum()
    grouped["flag_rate"] = (grouped["flagged"] / grouped["accounts"]).round(4)
    return [
        {
            "region": str(region),
            **{k: (int(v) if k != "flag_rate" else float(v)) for k, v in row.items()},
        }
        for region, row in grouped.iterrows()
    ]


def model_card(
    *,
    scorer: Any,
    artifacts: Mapping[str, Any],
    drift: Mapping[str, Any] | None,
    frame: pd.DataFrame,
    confirmed_accounts: set[str],
    dropped: DroppedRows,
    lang: Lang,
    trained_on_scored: bool = False,
) -> dict[str, Any]:
    """Everything the model-card section shows, JSON-safe; ``trained_on_scored``: the training
    run's data fingerprint is the scored run's (same snapshot files and as_of)."""
    metrics = artifacts.get("metrics.json") or dict(scorer.metrics)
    data = artifacts.get("data.json", {})
    k = _review_capacity(metrics)
    feature_names = list(scorer.feature_names)
    return {
        "purpose": PURPOSE[lang],
        "training_data": {
            "labelled_accounts": data.get("labelled_accounts"),
            "as_of": data.get("as_of"),
            "features": data.get("features", len(feature_names)),
            "parts": [
                {"part": str(name), **{k2: int(v) for k2, v in sorted(values.items())}}
                for name, values in sorted(dict(data.get("parts", {})).items())
            ],
            "label_source": LABEL_SOURCE[lang],
            "trained_on_scored_snapshot": trained_on_scored,
            "in_sample_note": TRAINED_ON_SCORED[lang] if trained_on_scored else None,
        },
        "review_capacity_k": k,
        "validation": validation_metrics(metrics, k, lang),
        "reliability": [
            {key: _round(value) for key, value in row.items()}
            for row in metrics.get("reliability", [])
        ],
        "features": feature_table(feature_names, artifacts.get("mean_abs_shap.json", {}), lang),
        "region_is_model_feature": "region" in feature_names,
        "thresholds": {band: _round(v, 6) for band, v in dict(scorer.thresholds).items()},
        "limitations": LIMITATIONS[lang],
        "monitoring": monitoring(drift),
        "fairness": fairness(frame, confirmed_accounts, dropped),
    }

"""The model lifecycle driven by the platform's decisions: a recalibrated challenger (bands
recomputed from decided accounts, weighted against the queue's selection bias)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine

from risk.settings import Settings
from risk.store.audit import append_audit
from risk.store.exploration import labelled_decisions
from risk.vocab import DECISION_LABELS

if TYPE_CHECKING:
    from training.recalibration import Recalibration


def decided_sample(decisions: pd.DataFrame, model_name: str, model_version: str) -> pd.DataFrame:
    """One row per decided account: its label (its newest confirm/dismiss, any run) and the
    score and inclusion probability of its newest decision on a run of the model given."""
    newest = decisions.drop_duplicates("account_id", keep="last")
    labels = newest.set_index("account_id")["decision"].map(DECISION_LABELS).rename("label")
    on_model = decisions[
        (decisions["model_name"] == model_name) & (decisions["model_version"] == model_version)
    ].drop_duplicates("account_id", keep="last")
    sample = on_model.set_index("account_id")[["run_id", "score", "inclusion_probability"]]
    return sample.join(labels, how="inner").reset_index()


def recalibrate_challenger(
    *, engine: Engine, settings: Settings, actor: str, reason: str | None = None
) -> Recalibration:
    """Recompute the champion's bands from decided accounts and register them as @challenger,
    the evidence logged in MLflow and the action in the audit log."""
    # lazy: MLflow and LightGBM (5 s) load only when a challenger is made, not with the API
    from training.recalibration import champion_files, recalibrate, register_challenger

    base, files = champion_files(
        f"{settings.model_name}@{settings.model_alias}", settings.tracking_uri
    )
    sample = decided_sample(labelled_decisions(engine), base.name, base.version)
    old = json.loads(Path(files["thresholds"]).read_text(encoding="utf-8"))
    result = recalibrate(sample, base, old, settings.band_precisions)
    why = reason or f"bands recalibrated on {len(sample)} decided accounts by {actor}"
    with tempfile.TemporaryDirectory(prefix="recalibration-") as staging:
        result = register_challenger(
            result,
            files,
            tracking_uri=settings.tracking_uri,
            experiment=settings.model_name,
            artifact_root=settings.artifacts_dir if settings.mlflow_tracking_uri is None else None,
            staging_dir=Path(staging),
            reason=why,
        )
    assert result.version is not None  # register_challenger always sets it
    append_audit(
        engine,
        actor=actor,
        action="model.recalibrate",
        target=f"{base.name}/{result.version.version}",
        details={
            "base_version": base.version,
            "challenger_version": result.version.version,
            "mlflow_run_id": result.version.run_id,
            "reason": why,
            "thresholds_before": result.evidence["thresholds_before"],
            "thresholds_after": result.thresholds,
            "decided_accounts": result.evidence["decided_accounts"],
            "exploration_decisions": result.evidence["exploration_decisions"],
        },
    )
    return result

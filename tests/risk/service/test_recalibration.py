"""Recalibration: a challenger whose bands are recomputed from decided accounts, weighted by
inverse inclusion probability, registered in MLflow with the evidence, audited."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from models.mlflow_io import load_scorer
from risk.service.models import decided_sample, recalibrate_challenger
from risk.store.audit import list_audit
from risk.store.exploration import labelled_decisions
from tests.api.conftest import world_settings
from tests.api.world import World
from training.recalibration import band_precision, decision_weights


def test_weights_undo_the_queue_bias() -> None:
    pi = pd.Series([np.nan, 0.5, 0.1])
    assert decision_weights(pi).tolist() == [1.0, 2.0, 10.0]
    labels, scores = np.array([1, 1, 0]), np.array([0.99, 0.6, 0.6])
    thresholds = {"medium": 0.5, "high": 0.8, "critical": 0.95}
    by_band = band_precision(labels, scores, decision_weights(pi), thresholds)
    assert by_band["medium"]["precision"] == pytest.approx(2 / 12)  # unweighted: 1/2
    assert by_band["critical"] == {"decided": 1.0, "weight": 1.0, "precision": 1.0}


def test_recalibrated_challenger_is_registered_with_its_evidence_and_audited(
    decided: tuple[World, Engine], tmp_path: Path
) -> None:
    world, engine = decided
    settings = world_settings(world, tmp_path / "home")
    champion = load_scorer(world_ref := "mlm-risk@champion", world.tracking_uri)
    result = recalibrate_challenger(engine=engine, settings=settings, actor="ops.chen")
    assert result.version is not None and result.base.version == champion.version
    challenger = load_scorer("mlm-risk@challenger", world.tracking_uri)
    assert challenger.version == result.version.version != champion.version
    assert dict(challenger.thresholds) == result.thresholds
    assert load_scorer(world_ref, world.tracking_uri).version == champion.version  # unchanged
    # the evidence, hand-checked: precision per band among decided accounts, weighted
    sample = decided_sample(labelled_decisions(engine), "mlm-risk", champion.version)
    assert result.evidence["decided_accounts"] == len(sample) > 1000
    assert result.evidence["exploration_decisions"] == 20
    weights = np.where(
        sample["inclusion_probability"].isna(), 1.0, 1 / sample["inclusion_probability"]
    )
    bands = challenger.bands(sample["score"].to_numpy())
    for band in ("medium", "high", "critical"):
        inside = bands == band
        if inside.any():
            expected = (weights[inside] * sample["label"][inside]).sum() / weights[inside].sum()
            assert result.evidence["precision_after"][band]["precision"] == pytest.approx(expected)
    client = mlflow.MlflowClient(tracking_uri=world.tracking_uri)
    run = client.get_run(result.version.run_id)
    assert run.data.tags["kind"] == "recalibration"
    assert run.data.metrics["decided_accounts"] == len(sample)
    evidence = Path(
        mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id,
            artifact_path="recalibration_evidence.json",
            tracking_uri=world.tracking_uri,
        )
    )
    assert json.loads(evidence.read_text())["thresholds_after"] == result.thresholds
    [entry] = [e for e in list_audit(engine) if e.action == "model.recalibrate"]
    assert (
        entry.actor == "ops.chen" and entry.details["challenger_version"] == result.version.version
    )  # type: ignore[index]

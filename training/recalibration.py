"""Recalibration from a platform's decisions: the champion's bands recomputed on the accounts
its moderators decided, registered as a challenger version with the evidence in MLflow.

Decisions come from the top of the review queue, a biased sample: there nearly every account
is decided (inclusion probability 1), below it only exploration picks are, each drawn with a
known probability. Weighting each decision by 1 / its inclusion probability (1 for the queue's
own, 1 / pi for exploration picks) makes the weighted precision above any threshold a
Horvitz-Thompson estimate of the platform's, and the bands are chosen on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.bands import assign_bands, choose_band_thresholds
from models.inclusion import decision_weights as decision_weights
from models.mlflow_io import RegisteredVersion, download_model_files
from models.vocab import BAND_NAMES
from training.challenger import register_variant
from training.errors import TrainingDataError

MIN_PER_CLASS = 20  # confirmations and dismissals each, before bands are moved


@dataclass(frozen=True)
class Recalibration:
    """The challenger's bands and the evidence for them."""

    base: RegisteredVersion  # the champion whose bands were recomputed
    thresholds: dict[str, float]
    evidence: dict[str, Any]
    version: RegisteredVersion | None = None  # the challenger, once registered


def band_precision(
    labels: np.ndarray, scores: np.ndarray, weights: np.ndarray, thresholds: Mapping[str, float]
) -> dict[str, dict[str, float]]:
    """Per band (under ``thresholds``): decided accounts, their weight and weighted precision."""
    bands = assign_bands(scores, thresholds)
    out: dict[str, dict[str, float]] = {}
    for band in BAND_NAMES:
        inside = bands == band
        weight = float(weights[inside].sum())
        hits = float((weights[inside] * labels[inside]).sum())
        out[band] = {
            "decided": float(inside.sum()),
            "weight": weight,
            "precision": hits / weight if weight else float("nan"),
        }
    return out


def recalibrate(
    sample: pd.DataFrame,
    base: RegisteredVersion,
    old: Mapping[str, float],
    targets: Sequence[float],
) -> Recalibration:
    """New thresholds from decided accounts (score, label, inclusion_probability), weighted."""
    labels = sample["label"].to_numpy(dtype=np.int64)
    confirmed, dismissed = int(labels.sum()), int((labels == 0).sum())
    if min(confirmed, dismissed) < MIN_PER_CLASS:
        raise TrainingDataError(
            f"{confirmed} confirmed and {dismissed} dismissed accounts decided on model"
            f" {base.name}/{base.version}; recalibration needs at least {MIN_PER_CLASS} of each"
        )
    scores = sample["score"].to_numpy(dtype=float)
    weights = decision_weights(sample["inclusion_probability"])
    thresholds = choose_band_thresholds(labels, scores, targets, sample_weight=weights)
    explored = ~sample["inclusion_probability"].isna().to_numpy()
    evidence = {
        "base_version": base.version,
        "decided_accounts": len(sample),
        "confirmed": confirmed,
        "dismissed": dismissed,
        "exploration_decisions": int(explored.sum()),
        "weighting": "1 / inclusion probability (exploration picks), 1 (the queue's own)",
        "targets": dict(zip(BAND_NAMES[1:], targets, strict=True)),
        "thresholds_before": dict(old),
        "thresholds_after": thresholds,
        "precision_before": band_precision(labels, scores, weights, old),
        "precision_after": band_precision(labels, scores, weights, thresholds),
        "unweighted_precision_before": band_precision(labels, scores, np.ones(len(scores)), old),
    }
    return Recalibration(base=base, thresholds=thresholds, evidence=evidence)


def champion_files(model_ref: str, tracking_uri: str) -> tuple[RegisteredVersion, dict[str, str]]:
    """The champion's registered version and artifact files (downloaded)."""
    return download_model_files(model_ref, tracking_uri)


def register_challenger(
    recalibration: Recalibration,
    files: Mapping[str, str],
    *,
    tracking_uri: str,
    experiment: str,
    artifact_root: Path | None,
    staging_dir: Path,
    reason: str,
) -> Recalibration:
    """Log the champion's files with the new thresholds and the evidence as a new version of the
    same model, aliased @challenger (moderators keep the champion until a person promotes)."""
    version = register_variant(
        recalibration.base,
        files,
        {"thresholds": json.dumps(recalibration.thresholds, indent=1)},
        kind="recalibration",
        evidence=recalibration.evidence,
        metrics=_flat_evidence(recalibration.evidence),
        tracking_uri=tracking_uri,
        experiment=experiment,
        artifact_root=artifact_root,
        staging_dir=staging_dir,
        reason=reason,
    )
    return Recalibration(
        recalibration.base, recalibration.thresholds, recalibration.evidence, version
    )


def _flat_evidence(evidence: Mapping[str, Any]) -> dict[str, float]:
    """MLflow metrics: counts, thresholds and weighted precisions per band, finite only."""
    flat = {
        key: float(evidence[key])
        for key in ("decided_accounts", "confirmed", "dismissed", "exploration_decisions")
    }
    for when in ("before", "after"):
        for band, value in evidence[f"thresholds_{when}"].items():
            flat[f"threshold_{when}.{band}"] = float(value)
        for band, row in evidence[f"precision_{when}"].items():
            if row["precision"] == row["precision"]:
                flat[f"precision_{when}.{band}"] = float(row["precision"])
    return flat

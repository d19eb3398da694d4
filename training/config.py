"""What a training run does: seeds, capacity, band targets, classifier and split settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.vocab import DEFAULT_TARGET_PRECISIONS
from training.errors import TrainingError
from training.worlds import WorldSpec


@dataclass(frozen=True)
class TrainingConfig:
    """Settings of one ``train_and_register`` call (the CLI fills it from ``risk.settings``)."""

    model_name: str = "mlm-risk"
    experiment: str = "mlm-risk"
    seed: int = 7
    review_capacity: int = 100  # moderators' daily capacity k
    band_precisions: tuple[float, float, float] = DEFAULT_TARGET_PRECISIONS
    # Platt scaling: keeps the booster's ranking (no ties), never claims certainty (no 1.0 for a
    # whole plateau) and, with two parameters, carries better to other platforms than isotonic.
    calibration: str = "sigmoid"
    classifier: Mapping[str, Any] = field(default_factory=dict)  # RiskClassifier overrides
    # training rows weigh network_size ** -power: the accounts of one network are one case,
    # not thousands of independent ones (0 = every account alike, 1 = every network alike)
    network_weight_power: float = 1.0
    # What may ship instead of LightGBM alone (training/selection.py): weights on LightGBM's
    # calibrated log-odds in a blend with the logistic regression (1 = LightGBM alone, 0 = the
    # logistic regression alone), chosen on the validation networks; (1.0,) = LightGBM always.
    blend_weights: tuple[float, ...] = (1.0, 0.75, 0.5, 0.25, 0.0)
    # validation AP another candidate must gain over LightGBM alone to ship instead: seeds of
    # one simulator differ by up to ~0.001 where neither is really ahead
    blend_margin: float = 0.005
    out_of_time: bool = True
    out_of_time_train_share: float = 0.7  # train as of when this share of accounts had joined
    force_promote: bool = False
    artifact_root: Path | None = None  # default: beside the SQLite tracking file
    shap_rows: int = 2000  # sample explained for the SHAP summary plot
    # generated worlds trained on beside the snapshot (training/worlds.py): both simulators,
    # habits drawn at random, so the model learns schemes rather than one platform's habits
    worlds: tuple[WorldSpec, ...] = ()
    # boosters averaged into the one that ships (models/ensemble.py), each trained on the
    # platform and its own share of the worlds: which worlds a model saw moves its figures on
    # an unseen platform as much as any feature, and the average of several draws ranks better
    members: int = 1

    def __post_init__(self) -> None:
        if self.members < 1:
            raise TrainingError("members must be at least 1")
        if self.review_capacity < 1:
            raise TrainingError("review capacity must be at least 1")
        if list(self.band_precisions) != sorted(self.band_precisions) or not all(
            0.0 < p <= 1.0 for p in self.band_precisions
        ):
            raise TrainingError(
                f"band precisions must be increasing and in (0, 1]: {self.band_precisions}"
            )
        if not self.blend_weights or not all(0.0 <= w <= 1.0 for w in self.blend_weights):
            raise TrainingError(f"blend weights must be in [0, 1]: {self.blend_weights}")
        if self.blend_margin < 0.0:
            raise TrainingError("blend_margin must not be negative")
        if not 0.0 <= self.network_weight_power <= 1.0:
            raise TrainingError("network_weight_power must be in [0, 1]")
        if self.calibration not in ("isotonic", "sigmoid"):
            raise TrainingError(f"calibration must be isotonic or sigmoid, not {self.calibration}")

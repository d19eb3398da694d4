"""Training as the application runs it: the training config from the settings, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from risk.settings import Settings

if TYPE_CHECKING:
    from features.snapshot import Snapshot
    from training.config import TrainingConfig
    from training.pipeline import TrainingResult


def training_config(
    settings: Settings,
    *,
    name: str | None = None,
    seed: int | None = None,
    promote: bool = False,
    out_of_time: bool = True,
) -> TrainingConfig:
    """The training config the settings ask for (CLI flags override name, seed, promotion)."""
    from training.config import TrainingConfig

    return TrainingConfig(
        model_name=name or settings.model_name,
        experiment=name or settings.model_name,
        seed=settings.seed if seed is None else seed,
        review_capacity=settings.review_capacity,
        band_precisions=settings.band_precisions,
        out_of_time=out_of_time,
        force_promote=promote,
        # Artifacts beside the embedded tracking DB; a configured server keeps its own root.
        artifact_root=settings.artifacts_dir if settings.mlflow_tracking_uri is None else None,
    )


def train_snapshot(
    snapshot: Snapshot, settings: Settings, config: TrainingConfig, as_of: str | None = None
) -> TrainingResult:
    """Train, evaluate (with the rules-only baseline), register and promote."""
    from risk.indicators.engine import indicator_score
    from training.pipeline import train_and_register

    settings.ensure_home()
    return train_and_register(
        snapshot, as_of, config, settings.tracking_uri, {"rules_only": indicator_score}
    )

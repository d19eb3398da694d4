"""A serving worker's champion: from the files ``risk serve``'s resolver process downloaded
(:mod:`risk.service.champion_resolver`), without importing MLflow; or, in an app started any
other way (tests, ``risk demo``), from the registry directly."""

from __future__ import annotations

from pathlib import Path

from risk.service.champion_resolver import resolved_dir, wait_for_resolved
from risk.service.errors import ModelUnavailableError
from risk.service.explanations import Champion, champion_of, load_champion
from risk.settings import Settings

# The resolver's watcher answers for a resolver that died; this bounds a wait nobody answers.
RESOLVE_TIMEOUT_S = 600.0


def load_resolved_champion(directory: Path, *, timeout_s: float) -> Champion:
    """The champion's scorer and explainer from the files the resolver downloaded."""
    # lazy: LightGBM and scikit-learn (not MLflow): a worker loads them in the background
    from models.mlflow_io import scorer_from_files

    resolved = wait_for_resolved(directory, timeout_s=timeout_s)
    if "error" in resolved:
        raise ModelUnavailableError(str(resolved["error"]))
    scorer = scorer_from_files(
        resolved["files"],
        name=resolved["name"],
        version=resolved["version"],
        run_id=resolved["run_id"],
        model_uri=resolved["model_uri"],
    )
    return champion_of(scorer)


def load_serving_champion(*, settings: Settings) -> Champion:
    """The resolver's champion when `risk serve` started one, else the registry's."""
    directory = resolved_dir()
    if directory is None:
        return load_champion(settings=settings)
    return load_resolved_champion(directory, timeout_s=RESOLVE_TIMEOUT_S)

"""Which files make a registered model, and fetching them from the MLflow registry.

Light on purpose (no pandas, scikit-learn or LightGBM of ours): `risk serve`'s champion
resolver (risk.service.champion_resolver) imports only this and MLflow; building a scorer from
the files is :func:`models.mlflow_io.scorer_from_files`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.errors import ModelNotFoundError

ARTIFACT_FILES = {
    "booster": "booster.txt",
    "calibration": "calibration.json",
    "features": "features.json",
    "thresholds": "thresholds.json",
    "reference": "reference.json",
    "metrics": "metrics.json",
}
# Optional: models registered before the role model, or trained on labels without roles,
# have no roles file and load without a role estimate; a model where LightGBM ships alone has
# no blend file; models registered before the training scheme share was recorded have no prior
# file (their posteriors cannot be adjusted to a platform's scheme share).
OPTIONAL_ARTIFACT_FILES = {
    "roles": "roles.json",
    "blend": "blend.json",
    "prior": "prior.json",
    # trees boosted on a platform's decisions on top of the calibrated log-odds (challengers
    # retrained with the prior: training/continued.py)
    "residual": "residual.txt",
    # a platform model stacked on the calibrated log-odds (training/stacking.py): its booster
    # and the stack's weights
    "platform_model": "platform.txt",
    "stack": "stack.json",
}


@dataclass(frozen=True)
class RegisteredVersion:
    """Where a logged model lives in MLflow."""

    name: str
    version: str
    run_id: str
    model_uri: str  # models:/NAME/VERSION


def parse_model_ref(model_ref: str) -> tuple[str, str | None, str | None]:
    """``NAME@ALIAS``, ``NAME/VERSION`` or ``models:/...`` -> (name, alias, version)."""
    ref = model_ref.removeprefix("models:/").strip("/")
    if "@" in ref:
        name, alias = ref.rsplit("@", 1)
        if name and alias:
            return name, alias, None
    elif "/" in ref:
        name, version = ref.rsplit("/", 1)
        if name and version.isdigit():
            return name, None, version
    raise ModelNotFoundError(
        f"cannot read model reference {model_ref!r}: use NAME@ALIAS, NAME/VERSION or models:/..."
    )


def download_model_files(
    model_ref: str, tracking_uri: str
) -> tuple[RegisteredVersion, dict[str, str]]:
    """A registered model's version and its artifact files (key -> local path), downloaded."""
    # lazy: mlflow takes ~3 s to import; this module is on the API's start-up path
    import mlflow
    from mlflow.exceptions import MlflowException

    name, alias, version = parse_model_ref(model_ref)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    try:
        if alias is not None:
            model_version = client.get_model_version_by_alias(name, alias)
        else:
            model_version = client.get_model_version(name, str(version))
    except MlflowException as error:
        raise ModelNotFoundError(_not_found(client, name, alias, version, tracking_uri)) from error
    local = Path(
        mlflow.artifacts.download_artifacts(
            artifact_uri=_artifact_location(client, str(model_version.source)),
            tracking_uri=tracking_uri,
        )
    )
    files = {key: str(local / "artifacts" / file) for key, file in ARTIFACT_FILES.items()}
    for key, file in OPTIONAL_ARTIFACT_FILES.items():
        if (local / "artifacts" / file).is_file():
            files[key] = str(local / "artifacts" / file)
    registered = RegisteredVersion(
        name=name,
        version=str(model_version.version),
        run_id=str(model_version.run_id),
        model_uri=f"models:/{name}/{model_version.version}",
    )
    return registered, files


def _not_found(
    client: Any, name: str, alias: str | None, version: str | int | None, tracking_uri: str
) -> str:
    """Why a model reference resolves to nothing: no such model (train one), or the model
    exists and only the alias or version is wrong (then say which ones exist)."""
    # lazy: mlflow takes ~3 s to import; this module is on the API's start-up path
    from mlflow.exceptions import MlflowException

    shown = f"{name}@{alias}" if alias else f"{name}/{version}"
    try:
        registered = client.get_registered_model(name)
    except MlflowException:
        return f"no model registered under {shown} at {tracking_uri}: run `risk train` first"
    if alias is not None:
        aliases = ", ".join(f"@{a}" for a in sorted(registered.aliases or {})) or "none"
        return f"model {name} has no alias @{alias}; its aliases: {aliases}"
    versions = sorted(
        int(v.version) for v in client.search_model_versions(f"name='{name}'", max_results=1000)
    )
    shown_versions = ", ".join(str(v) for v in versions) or "none"
    return f"model {name} has no version {version}; its versions: {shown_versions}"


def _artifact_location(client: Any, source: str) -> str:
    """Where a model version's files are; ``models:/m-...`` sources are resolved through
    the given client, because MLflow would otherwise read the process-global registry URI."""
    if source.startswith("models:/"):
        return str(client.get_logged_model(source.removeprefix("models:/")).artifact_location)
    return source

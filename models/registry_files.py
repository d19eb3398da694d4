"""Which files make a registered model, and fetching them from the MLflow registry.

Light on purpose (no pandas, scikit-learn or LightGBM of ours): `risk serve`'s champion
resolver (risk.service.champion_resolver) imports only this and MLflow; building a scorer from
the files is :func:`models.mlflow_io.scorer_from_files`. A local registry (SQLite, artifacts on
this disk: every demo and single-host install) is read without MLflow at all:
:func:`local_model_files`.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

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


def _sqlite_path(tracking_uri: str) -> Path | None:
    """The database file of a ``sqlite:///FILE`` tracking URI (None for any other kind)."""
    prefix = "sqlite:///"
    if not tracking_uri.startswith(prefix) or "?" in tracking_uri:
        return None
    path = Path(tracking_uri.removeprefix(prefix))
    return path if path.is_file() else None


def _file_location(uri: str | None) -> Path | None:
    """A ``file://`` artifact location as a local directory (None for S3, HTTP and the rest)."""
    if not uri:
        return None
    parsed = urlparse(uri)
    if parsed.scheme not in ("file", "") or parsed.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parsed.path))
    return path if path.is_dir() else None


def local_model_files(
    model_ref: str, tracking_uri: str
) -> tuple[RegisteredVersion, dict[str, str]] | None:
    """What :func:`download_model_files` returns, read straight from a SQLite registry whose
    artifacts are local files, without importing MLflow (its import and store set-up cost a
    server start ~6 CPU seconds, on a machine of 2 cores). The registry is opened read-only and
    only its documented tables are read (``registered_model_aliases``, ``model_versions``);
    ``tests/risk/service/test_champion_resolver.py`` checks the answer is MLflow's own. None
    whenever this is not that simple case (another store, remote artifacts, a name, alias or
    version it does not find, a file missing): MLflow then answers, with its own errors."""
    database = _sqlite_path(tracking_uri)
    if database is None:
        return None
    try:
        name, alias, version = parse_model_ref(model_ref)
    except ModelNotFoundError:
        return None
    if alias is not None:
        query = (
            "SELECT v.version, v.run_id, v.storage_location, v.status "
            "FROM registered_model_aliases AS a JOIN model_versions AS v "
            "ON v.name = a.name AND v.version = a.version WHERE a.name = ? AND a.alias = ?"
        )
        parameters: tuple[str, ...] = (name, alias)
    else:
        query = (
            "SELECT version, run_id, storage_location, status FROM model_versions "
            "WHERE name = ? AND version = ?"
        )
        parameters = (name, str(version))
    try:
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(query, parameters).fetchall()
    except sqlite3.Error:  # an older or newer schema: MLflow knows its own
        return None
    if len(rows) != 1 or rows[0][3] != "READY":  # several workspaces, or a version not ready
        return None
    found_version, run_id, location, _ = rows[0]
    folder = _file_location(location)
    if folder is None:
        return None
    files = {key: folder / "artifacts" / file for key, file in ARTIFACT_FILES.items()}
    if not all(path.is_file() for path in files.values()):
        return None
    for key, file in OPTIONAL_ARTIFACT_FILES.items():
        if (folder / "artifacts" / file).is_file():
            files[key] = folder / "artifacts" / file
    registered = RegisteredVersion(
        name=name,
        version=str(found_version),
        run_id=str(run_id),
        model_uri=f"models:/{name}/{found_version}",
    )
    return registered, {key: str(path) for key, path in files.items()}

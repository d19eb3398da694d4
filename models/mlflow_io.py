"""Saving the classifier to MLflow (a probability-returning pyfunc) and loading it back.

The model is logged as a custom ``PythonModel`` whose artifacts are plain files: the booster as
LightGBM text and JSON for the calibration curve, feature names, band thresholds, training
reference statistics and held-out metrics. :func:`load_scorer` reads those files straight into
a :class:`RiskScorer` (what the batch job and API use); ``mlflow.pyfunc.load_model`` gives the
same probabilities, with bands, for MLflow-native serving. The pyfunc is logged from code that
travels with the model under a private package name (``models.mlflow_code``), so it loads in an
environment that has only the model's ``requirements.txt``.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from models.bands import assign_bands
from models.blend import Blend, Shipped
from models.calibration import ScoreCalibrator
from models.classifier import RiskClassifier
from models.errors import ModelError
from models.mlflow_code import importable, vendor_pyfunc_code
from models.platform_stack import PlatformStack
from models.registry_files import ARTIFACT_FILES as ARTIFACT_FILES
from models.registry_files import OPTIONAL_ARTIFACT_FILES as OPTIONAL_ARTIFACT_FILES
from models.registry_files import RegisteredVersion as RegisteredVersion
from models.registry_files import download_model_files as download_model_files
from models.registry_files import parse_model_ref as parse_model_ref
from models.roles import RoleClassifier, RoleModel
from models.scorer import RiskScorer
from models.vocab import BAND_NAMES

log = logging.getLogger(__name__)

MODEL_ARTIFACT_NAME = "model"


@dataclass(frozen=True)
class AliasChange:
    """One move of a registry alias, as logged."""

    name: str
    alias: str
    version: str
    previous_version: str | None
    reason: str
    at: str


def write_model_files(
    directory: Path,
    classifier: RiskClassifier,
    thresholds: Mapping[str, float],
    reference: Mapping[str, Any],
    metrics: Mapping[str, Any],
    role_classifier: RoleClassifier | None = None,
    shipped: Shipped | None = None,
) -> dict[str, str]:
    """Write the model's artifact files into ``directory``; artifact key -> path. ``shipped``
    (default: the classifier's own calibration, LightGBM alone, no training prior) is what
    scores: its calibrator, the blend if one ships, the scheme share it was calibrated at."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {key: directory / name for key, name in ARTIFACT_FILES.items()}
    paths["booster"].write_text(classifier.booster_.model_to_string(), encoding="utf-8")
    if role_classifier is not None:
        paths["roles"] = directory / OPTIONAL_ARTIFACT_FILES["roles"]
        paths["roles"].write_text(role_classifier.to_json(), encoding="utf-8")
    shipped = shipped or Shipped(classifier.calibrator_)
    optional: dict[str, Any] = {}
    if shipped.blend is not None:
        optional["blend"] = shipped.blend.to_dict()
    if shipped.training_prior is not None:
        optional["prior"] = {"training_prior": shipped.training_prior}
    for key, document in optional.items():
        paths[key] = directory / OPTIONAL_ARTIFACT_FILES[key]
        paths[key].write_text(json.dumps(document, indent=1), encoding="utf-8")
    documents: dict[str, Any] = {
        "calibration": shipped.calibrator.to_dict(),
        "features": list(classifier.feature_names_),
        "thresholds": dict(thresholds),
        "reference": dict(reference),
        "metrics": dict(metrics),
    }
    for key, document in documents.items():
        paths[key].write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return {key: str(path) for key, path in paths.items()}


def scorer_from_files(
    artifacts: Mapping[str, str], *, name: str, version: str, run_id: str, model_uri: str
) -> RiskScorer:
    """Build a scorer from the artifact files written by :func:`write_model_files` (the role
    model only when its file is among them)."""
    # lazy: lightgbm adds ~0.5 s to import; this module is on the API's start-up path
    import lightgbm as lgb

    def document(key: str) -> Any:
        return json.loads(Path(artifacts[key]).read_text(encoding="utf-8"))

    try:
        booster = lgb.Booster(model_file=artifacts["booster"])
        roles = artifacts.get("roles")
        role_model = None if roles is None else RoleModel.from_json(Path(roles).read_text("utf-8"))
        blend = Blend.from_dict(document("blend")) if "blend" in artifacts else None
        prior = document("prior")["training_prior"] if "prior" in artifacts else None
        residual = artifacts.get("residual")
        stack = None
        if "stack" in artifacts:
            stack = PlatformStack.from_files(
                lgb.Booster(model_file=artifacts["platform_model"]),
                Path(artifacts["stack"]).read_text(encoding="utf-8"),
            )
        return RiskScorer(
            name=name,
            version=version,
            run_id=run_id,
            model_uri=model_uri,
            feature_names=tuple(document("features")),
            thresholds=document("thresholds"),
            reference=document("reference"),
            metrics=document("metrics"),
            booster=booster,
            calibrator=ScoreCalibrator.from_dict(document("calibration")),
            role_model=role_model,
            blend=blend,
            training_prior=None if prior is None else float(prior),
            residual=None if residual is None else lgb.Booster(model_file=residual),
            stack=stack,
        )
    except (KeyError, OSError, ValueError, lgb.basic.LightGBMError) as error:
        raise ModelError(f"model {model_uri} has a missing or broken artifact: {error}") from error


def log_and_register(
    *,
    classifier: RiskClassifier,
    thresholds: Mapping[str, float],
    reference: Mapping[str, Any],
    metrics: Mapping[str, Any],
    input_example: pd.DataFrame,
    role_classifier: RoleClassifier | None = None,
    shipped: Shipped | None = None,
    model_name: str,
    staging_dir: Path,
) -> RegisteredVersion:
    """Log the model to the active MLflow run and register it as a new version of ``model_name``."""
    # lazy: mlflow takes ~3 s to import; this module is on the API's start-up path
    import mlflow
    from mlflow.models import infer_signature

    run = mlflow.active_run()
    if run is None:
        raise ModelError("log_and_register needs an active MLflow run")
    shipped = shipped or Shipped(classifier.calibrator_)
    artifacts = write_model_files(
        staging_dir, classifier, thresholds, reference, metrics, role_classifier, shipped
    )
    # the feature table's own dtypes (registry int64/float64) make the signature
    example = input_example[list(classifier.feature_names_)]
    scores = shipped.predict_proba(classifier.booster_, classifier.feature_names_, example)
    output = pd.DataFrame({"probability": scores, "band": assign_bands(scores, thresholds)})
    package, entry = vendor_pyfunc_code(staging_dir / "code")
    with _quiet_mlflow_logging(), importable(package.parent):
        info = mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT_NAME,
            python_model=str(entry),
            code_paths=[str(package)],
            artifacts=artifacts,
            signature=infer_signature(example, output),
            input_example=example,
            registered_model_name=model_name,
            pip_requirements=_pip_requirements(),
            metadata=pyfunc_metadata(thresholds),
        )
    version = str(info.registered_model_version)
    return RegisteredVersion(
        name=model_name,
        version=version,
        run_id=run.info.run_id,
        model_uri=f"models:/{model_name}/{version}",
    )


def pyfunc_metadata(thresholds: Mapping[str, float]) -> dict[str, Any]:
    """What a pyfunc user reads from ``load_model(...).metadata.metadata``: the bands from
    lowest to highest and the lowest probability of each band above low."""
    return {
        "band_names": list(BAND_NAMES),
        "band_thresholds": {band: float(value) for band, value in thresholds.items()},
        "output": "probability: calibrated at the training scheme share; band: by band_thresholds",
    }


@contextmanager
def _quiet_mlflow_logging() -> Iterator[None]:
    """Silence MLflow's known warnings while logging: the pickled pyfunc class is our own code;
    pip's version can't be resolved in a uv environment (requirements are pinned anyway); the
    integer-column hint does not apply (the feature table never holds missing values)."""
    logger = logging.getLogger("mlflow")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*integer column", category=UserWarning)
            yield
    finally:
        logger.setLevel(before)


def _pip_requirements() -> list[str]:
    """Pinned requirements of the pyfunc (stated, not inferred: inference loads the model)."""
    packages = ("mlflow", "lightgbm", "scikit-learn", "numpy", "pandas", "scipy")
    return [f"{package}=={version(package)}" for package in packages]


def ensure_experiment(tracking_uri: str, name: str, artifact_root: Path) -> str:
    """The id of experiment ``name``, created with its artifacts under ``artifact_root``."""
    # lazy: mlflow takes ~3 s to import; this module is on the API's start-up path
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return str(experiment.experiment_id)
    location = (artifact_root / name).resolve().as_uri()
    return str(client.create_experiment(name, artifact_location=location))


def default_artifact_root(tracking_uri: str) -> Path:
    """Artifacts beside a SQLite tracking file: ``sqlite:///DIR/x.db`` -> ``DIR/mlartifacts``."""
    if tracking_uri.startswith("sqlite:///"):
        return Path(tracking_uri.removeprefix("sqlite:///")).parent / "mlartifacts"
    return Path("mlartifacts").resolve()


def load_scorer(model_ref: str, tracking_uri: str) -> RiskScorer:
    """Resolve a registered model (alias or pinned version) to a ready scorer."""
    registered, files = download_model_files(model_ref, tracking_uri)
    return scorer_from_files(
        files,
        name=registered.name,
        version=registered.version,
        run_id=registered.run_id,
        model_uri=registered.model_uri,
    )


def current_alias_version(client: Any, name: str, alias: str) -> str | None:
    """The version an alias points at, or None when the alias (or the model) does not exist."""
    # lazy: mlflow takes ~3 s to import; this module is on the API's start-up path
    from mlflow.exceptions import MlflowException

    try:
        return str(client.get_model_version_by_alias(name, alias).version)
    except MlflowException:
        return None


def set_alias(client: Any, name: str, alias: str, version: str, reason: str) -> AliasChange:
    """Point ``alias`` at ``version``, recording the change on both versions and in the log."""
    previous = current_alias_version(client, name, alias)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    client.set_registered_model_alias(name, alias, version)
    client.set_model_version_tag(name, version, f"alias.{alias}.set", f"{at} {reason}"[:5000])
    if previous is not None and previous != version:
        client.set_model_version_tag(
            name, previous, f"alias.{alias}.moved_away", f"{at} to version {version}"
        )
    log.info("alias %s@%s: version %s -> %s (%s)", name, alias, previous, version, reason)
    return AliasChange(name, alias, version, previous, reason, at)

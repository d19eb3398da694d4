from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from features.registry import model_feature_names
from models.bands import choose_band_thresholds
from models.classifier import RiskClassifier
from models.errors import ModelError
from models.mlflow_io import (
    ensure_experiment,
    load_scorer,
    log_and_register,
    scorer_from_files,
    write_model_files,
)
from models.reference import build_reference
from models.roles import RoleClassifier, RoleModel
from models.vocab import SCHEME_ROLES
from training.data import labelled_features
from training.metrics import role_metrics
from training.simulator import SimulationConfig, simulate_platform
from training.splits import network_parts

Split = dict[str, tuple[pd.DataFrame, np.ndarray]]


@pytest.fixture(scope="module")
def scheme_parts() -> dict[str, pd.DataFrame]:
    """Scheme accounts of a simulated platform, split by whole network (train / test)."""
    snapshot = simulate_platform(SimulationConfig(accounts=4000, seed=5))
    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, snapshot.latest_event_time())
    parts = network_parts(table["network_id"], table["label"], seed=5).reindex(table.index)
    schemes = table[(table["label"] == 1).to_numpy() & table["role"].isin(SCHEME_ROLES)]
    in_test = (parts.reindex(schemes.index) == "test").to_numpy()
    return {"train": schemes[~in_test], "test": schemes[in_test]}


def test_role_model_beats_guessing_the_commonest_role_on_held_out_networks(
    scheme_parts: dict[str, pd.DataFrame],
) -> None:
    features = model_feature_names()
    train, test = scheme_parts["train"], scheme_parts["test"]
    assert set(test["role"]) == set(SCHEME_ROLES)
    model = RoleClassifier(random_state=5).fit(train[features], train["role"])
    found = role_metrics(test["role"], model.predict(test[features]), SCHEME_ROLES)
    assert found["macro_f1"] > found["baseline_macro_f1"] + 0.2
    # the roles moderators act on are found, not drowned among the participants
    assert found["per_role"]["recruiter"]["recall"] > 0.5
    assert found["per_role"]["organizer"]["recall"] > 0.5
    assert sum(sum(row.values()) for row in found["confusion"].values()) == len(test)


def test_role_model_is_deterministic_and_its_artifact_round_trips(
    scheme_parts: dict[str, pd.DataFrame],
) -> None:
    features = model_feature_names()
    train, test = scheme_parts["train"], scheme_parts["test"]
    first = RoleClassifier(random_state=9, n_estimators=60).fit(train[features], train["role"])
    second = RoleClassifier(random_state=9, n_estimators=60).fit(train[features], train["role"])
    assert first.to_json() == second.to_json()
    probabilities = first.predict_proba(test[features])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)

    loaded = RoleModel.from_json(first.to_json())
    names, chosen = loaded.likely_roles(test[features].to_numpy(dtype=np.float64))
    np.testing.assert_array_equal(names, first.predict(test[features]))
    np.testing.assert_array_equal(chosen, probabilities.max(axis=1))
    empty_names, empty_probabilities = loaded.likely_roles(np.empty((0, len(features))))
    assert len(empty_names) == len(empty_probabilities) == 0


def test_unknown_roles_and_single_role_are_refused() -> None:
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(ModelError, match=r"unknown scheme role\(s\) boss"):
        RoleClassifier().fit(X, ["organizer", "boss", "participant"])
    with pytest.raises(ModelError, match="at least two"):
        RoleClassifier().fit(X, ["participant"] * 3)


def _toy_roles(X: pd.DataFrame, y: np.ndarray) -> pd.Series:
    """Roles for the toy accounts: scheme accounts with many recruits organize or recruit."""
    recruits = X["recruits_30d"].to_numpy()
    names = np.where(recruits > 5, "organizer", np.where(recruits > 3, "recruiter", "participant"))
    return pd.Series(names, index=X.index)[y == 1]


def test_model_files_without_role_artifact_load_without_roles(
    fitted: RiskClassifier, toy_split: Split, tmp_path: Path
) -> None:
    X, y = toy_split["train"]
    reference = build_reference(X.to_numpy(), fitted.feature_names_, y, fitted.predict(X))
    files = write_model_files(tmp_path / "old", fitted, {"medium": 0.5}, reference, {})
    assert "roles" not in files
    old = scorer_from_files(files, name="m", version="1", run_id="r", model_uri="models:/m/1")
    assert old.role_model is None and old.likely_roles(X) is None

    roles = _toy_roles(X, y)
    role_model = RoleClassifier(n_estimators=30).fit(X.loc[roles.index], roles)
    files = write_model_files(tmp_path / "new", fitted, {"medium": 0.5}, reference, {}, role_model)
    new = scorer_from_files(files, name="m", version="2", run_id="r", model_uri="models:/m/2")
    found = new.likely_roles(X)
    assert found is not None
    np.testing.assert_array_equal(found[0], role_model.predict(X))
    np.testing.assert_array_equal(new.predict_proba(X), old.predict_proba(X))

    Path(files["roles"]).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="missing or broken artifact"):
        scorer_from_files(files, name="m", version="2", run_id="r", model_uri="models:/m/2")


def test_registered_role_model_loads_from_mlflow(
    fitted: RiskClassifier, toy_split: Split, tracking_uri: str, tmp_path: Path
) -> None:
    X, y = toy_split["train"]
    X_val, y_val = toy_split["val"]
    roles = _toy_roles(X, y)
    role_model = RoleClassifier(n_estimators=30).fit(X.loc[roles.index], roles)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    experiment_id = ensure_experiment(tracking_uri, "roles", tmp_path / "artifacts")
    with mlflow.start_run(experiment_id=experiment_id):
        registered = log_and_register(
            classifier=fitted,
            thresholds=choose_band_thresholds(y_val, fitted.predict_proba(X_val)[:, 1]),
            reference=build_reference(X.to_numpy(), fitted.feature_names_, y, fitted.predict(X)),
            metrics={},
            input_example=X.head(3),
            model_name="toy-roles",
            staging_dir=tmp_path / "staging",
            role_classifier=role_model,
        )
    scorer = load_scorer(f"toy-roles/{registered.version}", tracking_uri)
    found = scorer.likely_roles(X_val)
    assert found is not None
    np.testing.assert_array_equal(found[0], role_model.predict(X_val))
    # the MLflow-native pyfunc still loads (it carries the role file as one more artifact)
    pyfunc = mlflow.pyfunc.load_model(scorer.model_uri)
    np.testing.assert_allclose(pyfunc.predict(X_val)["probability"], scorer.predict_proba(X_val))

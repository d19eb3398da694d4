"""The registered model loads where only MLflow and its own requirements are: a fresh venv (no
mlm-risk installed) that has a user's own ``models`` and ``features`` packages, through
``mlflow.pyfunc.load_model`` and through ``mlflow models serve``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import mlflow
import numpy as np
import pandas as pd
import pytest

from models.mlflow_code import VENDOR_PACKAGE, module_closure, rewrite_imports
from models.mlflow_io import load_scorer
from tests.api.conftest import free_port
from tests.models.fresh_venv import requirements_venv
from tests.trained_world import TrainedWorld

MODEL_URI = "models:/mlm-risk@champion"

# a user's project whose own top-level packages share our folder names
USER_PACKAGES = {
    "models/__init__.py": 'OWNER = "user"\n',
    "models/scorer.py": 'def predict_proba():\n    return "the user\'s own scorer"\n',
    "features/__init__.py": 'OWNER = "user"\n',
}

LOAD_SCRIPT = """
import json, sys
import models, models.scorer, features  # the user's own, imported first
import mlflow
import pandas as pd

model = mlflow.pyfunc.load_model(sys.argv[1])
frame = pd.read_parquet(sys.argv[2])
output = model.predict(frame)
import models as models_again
print(json.dumps({
    "probability": output["probability"].tolist(),
    "band": output["band"].tolist(),
    "metadata": model.metadata.metadata,
    "thresholds": dict(model.unwrap_python_model().thresholds),
    "pyfunc_module": type(model.unwrap_python_model()).__module__,
    "user_models": [models_again.OWNER, models.scorer.predict_proba(), features.OWNER],
    "ours_as_models": sorted(
        n for n in sys.modules if n.startswith("models.") and n != "models.scorer"
    ),
}))
"""


@pytest.fixture(scope="module")
def venv(trained_world: TrainedWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cached venv with only the champion's requirements.txt installed."""
    # models:/ resolves through the process-wide registry URI (an earlier test may have set it)
    mlflow.set_tracking_uri(trained_world.tracking_uri)
    mlflow.set_registry_uri(trained_world.tracking_uri)
    # downloaded to a folder of our own: get_model_dependencies writes beside the artifacts
    model = mlflow.artifacts.download_artifacts(
        artifact_uri=MODEL_URI,
        dst_path=str(tmp_path_factory.mktemp("champion")),
        tracking_uri=trained_world.tracking_uri,
    )
    requirements = Path(model) / "requirements.txt"
    built = requirements_venv(requirements)
    if built is None:
        pytest.skip("the model's requirements are neither cached nor downloadable (no network)")
    return built


# where a SQLite tracking store records absolute artifact paths
_PATH_COLUMNS = (
    ("runs", "artifact_uri"),
    ("logged_models", "artifact_location"),
    ("experiments", "artifact_location"),
    ("model_versions", "storage_location"),
)


@pytest.fixture
def tracking(trained_world: TrainedWorld, tmp_path: Path) -> str:
    """A copy of the world's tracking store and its artifacts: loading a registered model writes
    a ``registered_model_meta`` file beside its artifacts, so it must not load the shared ones."""
    copy = tmp_path / "world"
    copy.mkdir()
    shutil.copyfile(trained_world.root / "mlflow.db", copy / "mlflow.db")
    shutil.copytree(trained_world.root / "mlartifacts", copy / "mlartifacts")
    old, new = str(trained_world.root.resolve()), str(copy.resolve())
    with closing(sqlite3.connect(copy / "mlflow.db")) as connection, connection:
        for table, column in _PATH_COLUMNS:
            connection.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?)", (old, new))
    return f"sqlite:///{copy / 'mlflow.db'}"


def _sample(tracking: str) -> tuple[pd.DataFrame, np.ndarray, dict[str, float]]:
    """The model's input example, the probabilities our own scorer gives it, the thresholds."""
    mlflow.set_tracking_uri(tracking)
    mlflow.set_registry_uri(tracking)
    frame = mlflow.pyfunc.load_model(MODEL_URI).input_example
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    scorer = load_scorer(MODEL_URI, tracking)
    return frame, scorer.predict_proba(frame), dict(scorer.thresholds)


def _environment(venv: Path, tracking: str) -> dict[str, str]:
    path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {
        **keep,
        "PATH": path,
        "MLFLOW_TRACKING_URI": tracking,
        "MLFLOW_REGISTRY_URI": tracking,
        "VIRTUAL_ENV": str(venv),
    }


@pytest.mark.slow
def test_loads_in_a_fresh_venv_beside_a_users_own_models_package(
    venv: Path, tracking: str, tmp_path: Path
) -> None:
    frame, expected, thresholds = _sample(tracking)
    project = tmp_path / "user-project"
    for name, text in USER_PACKAGES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    frame.to_parquet(project / "input.parquet")  # keeps the dtypes the signature checks
    (project / "load.py").write_text(LOAD_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [str(venv / "bin" / "python"), "load.py", MODEL_URI, "input.parquet"],
        cwd=project,
        env=_environment(venv, tracking),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(result["probability"], expected, rtol=1e-9)
    assert set(result["band"]) <= {"low", "medium", "high", "critical"}
    assert result["metadata"]["band_thresholds"] == pytest.approx(thresholds)
    assert result["metadata"]["band_names"] == ["low", "medium", "high", "critical"]
    assert result["thresholds"] == pytest.approx(thresholds)
    assert result["pyfunc_module"] == f"{VENDOR_PACKAGE}.models.pyfunc"
    assert result["user_models"] == ["user", "the user's own scorer", "user"]
    assert result["ours_as_models"] == []


@pytest.mark.slow
def test_mlflow_models_serve_answers(venv: Path, tracking: str, tmp_path: Path) -> None:
    frame, expected, _ = _sample(tracking)
    port = free_port()
    command = [str(venv / "bin" / "python"), "-m", "mlflow", "models", "serve"]
    server = subprocess.Popen(
        [*command, "-m", MODEL_URI, "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
        cwd=tmp_path,
        env=_environment(venv, tracking),
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "wb"),  # noqa: SIM115 - the server's own log
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(url, server, tmp_path / "serve.log")
        body = {"dataframe_split": json.loads(frame.to_json(orient="split"))}
        answer = httpx.post(f"{url}/invocations", json=body, timeout=60)
        assert answer.status_code == 200, answer.text
        rows = answer.json()["predictions"]
        np.testing.assert_allclose([row["probability"] for row in rows], expected, rtol=1e-9)
        assert {row["band"] for row in rows} <= {"low", "medium", "high", "critical"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")[-4000:]
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"mlflow models serve not up in 120 s: {log.read_text()[-4000:]}")


def test_the_vendored_code_is_only_what_the_pyfunc_imports() -> None:
    closure = module_closure()
    assert "models.pyfunc" in closure and "models.scorer" in closure
    assert "features.errors" in closure
    # nothing of the application, training or the explainer (shap) travels with the model
    assert not any(m.split(".")[0] in {"risk", "api", "training"} for m in closure)
    assert "models.explainer" not in closure


def test_imports_move_under_the_private_package() -> None:
    source = (
        "from __future__ import annotations\n"
        "from models.bands import assign_bands\n"
        "from features.errors import (\n    ServiceError,\n)\n"
        "def f():\n    from models.pyfunc import RiskPyfunc  # lazy\n"
        "from modelsx import y\n"
    )
    rewritten = rewrite_imports(source)
    assert f"from {VENDOR_PACKAGE}.models.bands import assign_bands" in rewritten
    assert f"from {VENDOR_PACKAGE}.features.errors import (" in rewritten
    assert f"    from {VENDOR_PACKAGE}.models.pyfunc import RiskPyfunc  # lazy" in rewritten
    assert "from modelsx import y" in rewritten

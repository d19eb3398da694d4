"""What a serving worker may import, and when (issue 19: ready in < 10 s on 2 cores).

Each library below costs a worker seconds of CPU at start-up. A worker answers /health once the
app is imported, so nothing of the model may be imported by then; it is ready once the champion
is loaded, which needs LightGBM and scikit-learn but never MLflow (the champion is resolved
before the workers start) nor SHAP (contributions come from LightGBM itself). Checked in a
fresh interpreter, as a worker starts: an import moved to module level anywhere on the app's
path fails this test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.api.world import World

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("mlflow", "shap", "lightgbm", "sklearn", "scipy", "numba", "matplotlib")
NEVER_IN_A_WORKER = {"mlflow", "shap", "numba", "matplotlib"}
NOT_BEFORE_HEALTH = {"lightgbm", "sklearn", "scipy"} | NEVER_IN_A_WORKER

# What `risk serve` runs: the champion resolved into a directory by the server process, then a
# worker's app (create_served_app) started; /health answered, then /ready polled until 200.
WORKER = f"""
import json, os, sys, time
from pathlib import Path
WATCHED = {WATCHED!r}
def loaded():
    return sorted(name for name in WATCHED if name in sys.modules)
from risk.service.champion_resolver import start_resolver, workers_environment
assert start_resolver(Path(sys.argv[1])) is None, "a local registry needs no resolver process"
os.environ.update(workers_environment(Path(sys.argv[1])))  # as `risk serve` does
after_resolving = loaded()
from starlette.testclient import TestClient
from api.app import create_served_app
app = create_served_app()
at_health = loaded()
with TestClient(app) as client:
    assert client.get("/health").status_code == 200
    deadline = time.monotonic() + 300
    while client.get("/ready").status_code != 200:
        assert time.monotonic() < deadline, client.get("/ready").json()
        time.sleep(0.05)
    at_ready = loaded()
print(json.dumps({{"resolving": after_resolving, "health": at_health, "ready": at_ready}}))
"""


def test_a_worker_imports_no_model_library_before_health_and_never_mlflow_or_shap(
    world: World, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "RISK_HOME": str(tmp_path / "home"),
        "RISK_DATABASE_URL": world.store_url,
        "MLFLOW_TRACKING_URI": world.tracking_uri,
        "RISK_WARM_REPORTS": "false",  # report builds come after ready; not what is pinned
    }
    (tmp_path / "champion").mkdir()
    shown = subprocess.run(
        [sys.executable, "-c", WORKER, str(tmp_path / "champion")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert shown.returncode == 0, shown.stderr
    imported = json.loads(shown.stdout.strip().splitlines()[-1])
    assert imported["resolving"] == []  # the server process: not even MLflow
    assert not NOT_BEFORE_HEALTH & set(imported["health"]), imported
    assert not NEVER_IN_A_WORKER & set(imported["ready"]), imported
    # the check sees imports at all: the model's libraries are there once it is loaded
    assert {"lightgbm", "sklearn"} <= set(imported["ready"]), imported

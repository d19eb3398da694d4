"""``risk --help`` and argument errors answer at once: the heavy libraries (pandas, LightGBM,
MLflow, SQLAlchemy) are not imported before they are needed; a wrong model alias names the
aliases that exist."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.trained_world import TrainedWorld

HEAVY = ("pandas", "lightgbm", "mlflow", "sklearn", "shap", "sqlalchemy", "pyarrow")
PROBE = """
import sys
from api.cli import main
sys.argv = {argv!r}
try:
    main()
except SystemExit as done:
    code = done.code
loaded = sorted(m for m in {heavy!r} if m in sys.modules)
print("LOADED", ",".join(loaded), "EXIT", code, file=sys.stderr)
"""


def _probe(argv: list[str]) -> tuple[list[str], str, float]:
    """Run the ``risk`` entry point in a fresh interpreter: the heavy modules it loaded, its
    exit code, and the wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=["risk", *argv], heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - started
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    _, loaded, _, code = line.split(" ")
    return [m for m in loaded.split(",") if m], code, seconds


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--help"], "0"),
        (["score", "--help"], "0"),
        (["score", "/nowhere", "--as-of", "nonsense"], "2"),
        (["score", "/nowhere", "--out", "scores.txt"], "2"),
        (["score"], "2"),
    ],
)
def test_help_and_usage_errors_load_no_heavy_library(argv: list[str], code: str) -> None:
    loaded, exit_code, seconds = _probe(argv)
    assert loaded == [] and exit_code == code, (loaded, exit_code)
    # The figure the issue asks for is < 1 s on a quiet machine; the bound here leaves room
    # for a machine shared by six test runs (the imports above are what the time depends on).
    assert seconds < 10


def test_a_wrong_alias_names_the_aliases_that_exist(trained_world: TrainedWorld) -> None:
    from models.errors import ModelNotFoundError
    from models.mlflow_io import load_scorer

    with pytest.raises(ModelNotFoundError, match=r"no alias @nope; its aliases: @champion"):
        load_scorer("mlm-risk@nope", trained_world.tracking_uri)
    with pytest.raises(ModelNotFoundError, match=r"no version 99; its versions: 1"):
        load_scorer("mlm-risk/99", trained_world.tracking_uri)
    with pytest.raises(ModelNotFoundError, match=r"risk train"):
        load_scorer("no-such-model@champion", trained_world.tracking_uri)

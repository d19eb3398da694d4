"""The built wheel beside a user's own ``models``, ``features``, ``api``, ``training`` and ``risk``
packages, in a fresh venv (its dependencies cached like the MLflow model's venv).

What is guaranteed: the wheel installs one top-level package, ``mlm_risk_app``; the
application's packages live under it, off ``sys.path``, so a user's ``import models`` is
theirs (ours is not importable at all) and the ``risk`` command runs our code even from a
project whose own packages are on its path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.models.fresh_venv import cache_root, requirements_venv

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv") or "uv"
OUR_PACKAGES = ("risk", "features", "models", "api", "training")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built as `uv build --wheel` builds it."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([UV, "build", "--wheel", "-q", "-o", str(out), str(ROOT)], check=True)
    (built,) = out.glob("mlm_risk-*.whl")
    return built


def _pinned_dependencies() -> str:
    """The wheel's dependencies pinned to this environment's versions (offline from uv's cache)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = []
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        lines.append(f"{requirement.name}{extras}=={version(requirement.name)}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def venv(wheel: Path) -> Path:
    """A cached venv with the wheel's dependencies, and this build of the wheel installed."""
    requirements = cache_root() / "wheel-requirements.txt"
    requirements.parent.mkdir(parents=True, exist_ok=True)
    requirements.write_text(_pinned_dependencies(), encoding="utf-8")
    built = requirements_venv(requirements)
    if built is None:
        pytest.skip("the wheel's dependencies are neither cached nor downloadable")
    python = built / "bin" / "python"
    install = [UV, "pip", "install", "-q", "--python", str(python), "--no-deps", "--reinstall"]
    subprocess.run([*install, str(wheel)], check=True)
    return built


@pytest.fixture
def users_project(tmp_path: Path) -> Path:
    """A user's project with packages named like ours, each saying whose it is."""
    project = tmp_path / "users_project"
    for name in OUR_PACKAGES:
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"WHOSE = 'the user\\'s {name}'\n", "utf-8")
    return project


def _run(venv: Path, cwd: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        list(command),
        cwd=cwd,
        env={**keep, "PATH": path, "VIRTUAL_ENV": str(venv), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_wheel_installs_one_private_top_level_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"mlm_risk_app"}
    for package in OUR_PACKAGES:  # with their data files (templates, static, schemas)
        assert f"mlm_risk_app/packages/{package}/__init__.py" in names
    assert any(name.startswith("mlm_risk_app/packages/api/templates/") for name in names)
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "risk = mlm_risk_app:main" in archive.read(entry_points).decode()


def test_a_users_own_packages_stay_theirs(venv: Path, users_project: Path, tmp_path: Path) -> None:
    names = ", ".join(OUR_PACKAGES)
    read = f"import {names}; print([m.WHOSE for m in ({names})])"
    own = _run(venv, users_project, "python", "-c", read)
    assert own.returncode == 0, own.stderr
    assert all(f"the user's {name}" in own.stdout for name in OUR_PACKAGES)
    # elsewhere, none of these names is importable: the wheel put nothing of ours on sys.path
    elsewhere = _run(venv, tmp_path, "python", "-c", "import models")
    assert "No module named 'models'" in elsewhere.stderr


def test_the_risk_command_runs_ours_beside_the_users_packages(
    venv: Path, users_project: Path, tmp_path: Path
) -> None:
    snapshot, table = tmp_path / "snapshot", tmp_path / "features.csv"
    # the user's packages on PYTHONPATH too: the command still imports its own first
    on_path = {"PYTHONPATH": str(users_project)}
    steps = [
        ("risk", "simulate", str(snapshot), "--accounts", "300", "--seed", "3"),
        ("risk", "validate", str(snapshot)),
        ("risk", "features", str(snapshot), "--out", str(table)),
    ]
    for step in steps:
        done = _run(venv, users_project, *step, **on_path)
        assert done.returncode == 0, f"{step}: {done.stdout}\n{done.stderr}"
    header = table.read_text(encoding="utf-8").splitlines()[0]
    assert "account_id" in header and "downline_size" in header

"""A plain virtual environment holding only a model's ``requirements.txt`` (no mlm-risk), built
once per distinct requirements file and kept in the user's cache between test runs.

Built with uv from its package cache (offline first); when the packages are neither cached nor
reachable, :func:`requirements_venv` returns None and the caller skips.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

_DONE = ".requirements-installed"
# what uv prints when it cannot reach the package index (as opposed to a resolution failure)
_OFFLINE_MARKERS = ("network", "dns", "connect", "offline", "timed out", "failed to fetch")


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/mlm-risk-tests`` (or ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlm-risk-tests"


def requirements_venv(requirements: Path) -> Path | None:
    """A venv's folder with exactly ``requirements`` installed, or None without the packages."""
    text = requirements.read_text(encoding="utf-8")
    key = hashlib.sha256(f"{sys.version}\n{text}".encode()).hexdigest()[:16]
    venv = cache_root() / f"venv-{key}"
    if (venv / _DONE).is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    uv = shutil.which("uv") or "uv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([uv, "venv", "-q", "--python", base_python, str(venv)], check=True)
    install = [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python")]
    offline = subprocess.run([*install, "--offline", "-r", str(requirements)], capture_output=True)
    if offline.returncode != 0:
        online = subprocess.run([*install, "-r", str(requirements)], capture_output=True, text=True)
        if online.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            if any(marker in online.stderr.lower() for marker in _OFFLINE_MARKERS):
                return None
            raise RuntimeError(f"installing {requirements} failed:\n{online.stderr}")
    (venv / _DONE).write_text(text, encoding="utf-8")
    return venv

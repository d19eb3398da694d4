"""The ``risk`` command's entry point, which keeps the application's packages private.

The repository keeps its top-level folders ``risk``, ``features``, ``models``, ``api`` and
``training``. The wheel does not install them under those names: it puts them in
``mlm_risk_app/packages/`` (``[tool.hatch.build.targets.wheel.force-include]``), off
``sys.path``, so they never shadow, overwrite or get shadowed by a user's own ``models``
package in the same environment. Only the ``risk`` command puts them first on its own
``sys.path``, and on ``PYTHONPATH`` for the processes it starts (the champion resolver, Spark
workers, uvicorn's workers). In a checkout (``uv run``) the folder is absent and nothing moves.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGES = Path(__file__).resolve().parent / "packages"  # present in an installed wheel only


def use_private_packages() -> None:
    """Put the wheel's private packages first, for this process and its children."""
    if not PACKAGES.is_dir():
        return
    private = str(PACKAGES)
    if sys.path[:1] != [private]:
        sys.path.insert(0, private)
    inherited = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = private if not inherited else private + os.pathsep + inherited


def main() -> None:
    """``risk``: the application's command line, from its own packages."""
    use_private_packages()
    # lazy: importable only once the private packages are on sys.path
    from api.cli import main as run

    run()

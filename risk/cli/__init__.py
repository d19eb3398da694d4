"""The ``risk`` command line: one Typer app, one module per group of sub-commands. ``serve`` and
``demo`` start the API, so ``api.cli`` adds them (``risk`` never imports ``api``); the console
script runs ``api.cli:main``.

Command modules import heavy libraries (MLflow, LightGBM, SHAP) inside the command functions so
that ``risk --help`` stays instant.
"""

from __future__ import annotations

from risk.cli import commands  # noqa: F401  (registers the sub-commands)
from risk.cli.app import app, main

__all__ = ["app", "main"]

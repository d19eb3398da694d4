"""Imports every command module so that its ``@app.command`` decorators run."""

from __future__ import annotations

import importlib
import pkgutil

import risk.cli as _cli_package

# Each module in risk/cli/ named cmd_*.py registers its own commands on the shared app.
for _module in pkgutil.iter_modules(_cli_package.__path__):
    if _module.name.startswith("cmd_"):
        importlib.import_module(f"risk.cli.{_module.name}")

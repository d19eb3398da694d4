"""The ``risk`` console script (``mlm_risk_app:main`` -> ``api.cli:main``): risk's commands
plus serve and demo."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from api.cli import app


def test_help_lists_every_command_with_serve_and_demo() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "demo", "score", "train", "keys", "runs", "report", "audit"):
        assert command in result.output


def test_help_imports_neither_the_app_nor_the_model_libraries() -> None:
    probe = (
        "import sys; from api.cli import app; "
        "heavy = ['api.app', 'fastapi', 'uvicorn', 'mlflow', 'lightgbm', 'sqlalchemy']; "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""

"""One migrated MLflow SQLite database per test session, copied for each test (migration ~1 s)."""

from __future__ import annotations

import shutil
from pathlib import Path


def make_template(directory: Path) -> Path:
    """Create and migrate an empty MLflow tracking database in ``directory``."""
    import mlflow

    database = directory / "template.db"
    if database.exists():  # another package's conftest already made it this session
        return database
    directory.mkdir(parents=True, exist_ok=True)
    mlflow.MlflowClient(tracking_uri=f"sqlite:///{database}").search_experiments()
    return database


def copy_template(template: Path, directory: Path) -> str:
    """A fresh tracking URI backed by a copy of the template database."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "mlflow.db"
    shutil.copyfile(template, database)
    return f"sqlite:///{database}"

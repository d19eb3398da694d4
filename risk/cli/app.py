"""The Typer application and the one place where service errors become exit codes."""

from __future__ import annotations

import logging
import os
import sys

import typer
from rich.console import Console

from features.errors import ExitCode, ServiceError

app = typer.Typer(
    name="risk",
    help="Find pyramid-style selling (传销化) in seller networks: validate snapshots, build "
    "features, train, score nightly, serve moderators, export regulator reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)


def main() -> None:
    """Console-script entry point: service errors print a clear message and exit non-zero."""
    # MLflow draws a progress bar per artifact download; a scheduler's log wants none.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    # MLflow's INFO lines (database migrations, ...) are noise in a command's output.
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    try:
        app()
    except ServiceError as error:
        err_console.print(f"[bold red]error:[/] {error.message}", highlight=False)
        sys.exit(int(error.exit_code))
    except Exception as error:
        # lazy: SQLAlchemy is only needed to recognise a store failure that escaped the store
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(error, SQLAlchemyError):
            raise
        err_console.print(f"[bold red]store error:[/] {error}", highlight=False)
        sys.exit(int(ExitCode.STORE))


@app.callback()
def _root() -> None:
    """Find pyramid-style selling (传销化) in seller networks.

    validate and simulate snapshots, build features, train, score nightly, serve moderators,
    export regulator reports. Configuration comes from RISK_* environment variables
    (see `risk config`).
    """

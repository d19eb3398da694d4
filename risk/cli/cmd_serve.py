"""``risk serve``: the moderator API (FastAPI under uvicorn)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import typer

from risk.cli.app import app

METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics_between_workers() -> None:
    """Make every worker count into files under one directory, so /metrics sums all workers.

    prometheus_client reads the variable when a worker imports it; without it each worker
    counts alone and a scrape sees whichever worker answered. An operator's own directory is
    kept (it must be emptied between server starts); ours is new and removed at exit.
    """
    if os.environ.get(METRICS_DIR_VARIABLE):
        return
    directory = tempfile.mkdtemp(prefix="risk-metrics-")
    os.environ[METRICS_DIR_VARIABLE] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log"),
) -> None:
    """Serve the API (docs at /docs); loads the champion model once per worker."""
    import uvicorn

    if workers > 1:
        share_metrics_between_workers()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        # Served on loopback or behind a proxy that is configured on purpose, not trusted blindly.
        proxy_headers=False,
    )

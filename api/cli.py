"""The ``risk`` command: every command of ``risk.cli``, plus ``serve`` and ``demo``, which start
the API. They are registered here because ``risk`` never imports ``api``; the console script
(``[project.scripts] risk``, ``mlm_risk_app:main``) runs this module's ``main``.

Heavy libraries (uvicorn, FastAPI, MLflow) are imported inside the commands so that
``risk --help`` stays instant.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from risk.cli import app, main

__all__ = ["app", "main"]

METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def share_metrics_between_workers() -> None:
    """Make every worker count into files under one directory, so /metrics sums all workers.

    prometheus_client reads the variable when a worker imports it; without it each worker
    counts alone and a scrape sees whichever worker answered. An operator's own directory is
    kept (it must be emptied between server starts); ours is new and removed at exit.
    """
    if os.environ.get(METRICS_DIR_VARIABLE):
        return
    os.environ[METRICS_DIR_VARIABLE] = str(private_directory("risk-metrics-"))


def private_directory(prefix: str) -> Path:
    """A new directory under TMPDIR for this server's processes, removed when it exits."""
    directory = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return Path(directory)


def bytecode_missing(library: str = "pandas") -> bool:
    """True when each worker will compile the libraries from source at every start: Python
    may not write bytecode here and ``library`` (one of the big ones a worker imports) has none
    cached. The spec is found without importing the library."""
    spec = importlib.util.find_spec(library)
    cached = None if spec is None else spec.cached
    return sys.dont_write_bytecode and cached is not None and not os.path.exists(cached)


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log"),
) -> None:
    """Serve the API (docs at /docs); loads the champion model once per worker."""
    # lazy: the resolver's module, only when serving
    from risk.service.champion_resolver import start_resolver, workers_environment

    if bytecode_missing():
        Console(stderr=True).print(
            "note: the libraries have no bytecode and Python may not write it here, so each "
            "worker compiles them at every start (about half its start-up): install with "
            "`UV_COMPILE_BYTECODE=1 uv sync --frozen`"
        )
    if workers > 1:
        share_metrics_between_workers()
    # The champion is resolved once (a local registry here and now, any other by a process of
    # its own while the workers start): they load its files without importing MLflow (about
    # half of their start-up otherwise).
    directory = private_directory("risk-champion-")
    resolver = start_resolver(directory)
    # this command's process becomes the server: its environment is the workers' (and the
    # single in-process worker's) only input besides the settings
    os.environ.update(workers_environment(directory))
    try:
        _run_uvicorn(
            host=host, port=port, workers=workers, log_level=log_level, access_log=access_log
        )
    finally:
        if resolver is not None:
            resolver.stop()


def _run_uvicorn(*, host: str, port: int, workers: int, log_level: str, access_log: bool) -> None:
    import uvicorn  # the server, only when serving (not for `risk --help`)

    from risk.settings import get_settings

    uvicorn.run(
        "api.app:create_served_app",
        factory=True,
        # A worker answers its supervisor while it starts; on a busy machine that answer can
        # take longer than uvicorn's 5 s, and a silent worker is killed and restarted.
        timeout_worker_healthcheck=get_settings().worker_healthcheck_seconds,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        # Served on loopback or behind a proxy that is configured on purpose, not trusted blindly.
        proxy_headers=False,
    )


@app.command("demo")
def demo(
    accounts: int = typer.Option(20_000, "--accounts", min=100, help="Simulated accounts."),
    seed: int = typer.Option(7, "--seed", help="Simulation seed."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface the API listens on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="API port."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the API at the end."),
) -> None:
    """Simulate a platform, train, score, export a report, create keys, start the console.

    Everything lives under RISK_HOME (default .risk); a second run reuses what exists.
    """
    # The service (SQLAlchemy, the store) loads only when the demo runs, not for `risk --help`.
    from risk.service.config import shown_settings
    from risk.service.demo import DemoPlan, run_demo
    from risk.settings import get_settings

    console = Console(soft_wrap=True)  # paths and keys stay on one line, ready to copy
    settings = get_settings()
    plan = DemoPlan(accounts=accounts, seed=seed)
    result = run_demo(settings=settings, plan=plan, say=console.print)
    address = f"http://{host}:{port}"
    console.print()
    console.print("[bold green]The demo is ready.[/]")
    console.print(f"  console        {address}/console   (sign in with a key below)")
    console.print(f"  API docs       {address}/docs")
    console.print(f"  moderator key  {result.keys['moderator']}")
    console.print(f"  lead key       {result.keys['lead']}   (approves proposed actions)")
    console.print(f"  regulator key  {result.keys['regulator']}")
    console.print("                 (shown once; the store keeps only their hashes)")
    console.print(f"  report         {result.report_dir}  (verify: risk report verify DIR)")
    console.print(f"  scoring run    {result.run_id}  (model {result.model})")
    console.print(f"  store          {shown_settings(settings=settings)['store_url']}")
    console.print(f"  MLflow         {settings.tracking_uri}")
    console.print(
        f"  MLflow UI      uv run mlflow ui --backend-store-uri {settings.tracking_uri} --port 5000"
    )
    if serve:
        import uvicorn  # the server, only when serving

        from api.app import create_app  # FastAPI and the routes, only when serving

        console.print(f"\nServing on {address} (Ctrl+C to stop)…")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")

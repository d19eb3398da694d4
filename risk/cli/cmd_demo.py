"""``risk demo``: the whole flow on a simulated platform, then the API and console."""

from __future__ import annotations

import typer
from rich.console import Console

from risk.cli.app import app


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
    from risk.demo import DemoPlan, run_demo
    from risk.settings import get_settings
    from risk.store.db import masked_url

    console = Console(soft_wrap=True)  # paths and keys stay on one line, ready to copy
    settings = get_settings()
    result = run_demo(settings, DemoPlan(accounts=accounts, seed=seed), console.print)
    address = f"http://{host}:{port}"
    console.print()
    console.print("[bold green]The demo is ready.[/]")
    console.print(f"  console        {address}/console   (sign in with a key below)")
    console.print(f"  API docs       {address}/docs")
    console.print(f"  moderator key  {result.keys['moderator']}")
    console.print(f"  regulator key  {result.keys['regulator']}")
    console.print("                 (shown once; the store keeps only their hashes)")
    console.print(f"  report         {result.report_dir}  (verify: risk report verify DIR)")
    console.print(f"  scoring run    {result.run_id}  (model {result.model})")
    console.print(f"  store          {masked_url(settings.store_url)}")
    console.print(f"  MLflow         {settings.tracking_uri}")
    console.print(
        f"  MLflow UI      uv run mlflow ui --backend-store-uri {settings.tracking_uri} --port 5000"
    )
    if serve:
        import uvicorn

        from api.app import create_app

        console.print(f"\nServing on {address} (Ctrl+C to stop)…")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")

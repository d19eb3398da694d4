"""``risk config``: show the effective configuration (no secrets live in settings)."""

from __future__ import annotations

import json

import typer

from risk.cli.app import app


@app.command("config")
def show_config(
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Show where state lives and the effective settings (from RISK_* variables)."""
    # SQLAlchemy (to mask the store URL) loads only when the command runs, not for `risk --help`.
    from risk.service.config import shown_settings
    from risk.settings import get_settings

    values = shown_settings(settings=get_settings())
    if as_json:
        typer.echo(json.dumps(values, ensure_ascii=False))
        return
    for key, value in values.items():
        typer.echo(f"{key:16} {value}")

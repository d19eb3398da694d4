"""``risk config``: show the effective configuration (no secrets live in settings)."""

from __future__ import annotations

import typer

from risk.cli.app import app
from risk.jsontext import json_text


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
        typer.echo(json_text(values))
        return
    for key, value in values.items():
        typer.echo(f"{key:16} {value}")

"""``risk config``: show the effective configuration (no secrets live in settings)."""

from __future__ import annotations

import json

import typer

from risk.cli.app import app
from risk.settings import get_settings
from risk.store.db import masked_url


@app.command("config")
def show_config(
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Show where state lives and the effective settings (from RISK_* variables)."""
    settings = get_settings()
    values = {
        "home": str(settings.home),
        "store_url": masked_url(settings.store_url),
        "tracking_uri": settings.tracking_uri,
        "model": f"{settings.model_name}@{settings.model_alias}",
        "review_capacity": settings.review_capacity,
        "band_precisions": list(settings.band_precisions),
        "platform_name": settings.platform_name,
        "keep_runs": settings.keep_runs,
    }
    if as_json:
        typer.echo(json.dumps(values, ensure_ascii=False))
        return
    for key, value in values.items():
        typer.echo(f"{key:16} {value}")

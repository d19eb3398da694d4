"""``risk models``: challengers made from the platform's decisions."""

from __future__ import annotations

import getpass

import typer

from risk.cli.app import app
from risk.jsontext import json_text

models_app = typer.Typer(help="Challenger models from moderators' decisions.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("recalibrate")
def recalibrate(
    by: str | None = typer.Option(None, "--by", help="Who asks (audit log); default: login."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept with the alias)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recompute the champion's bands from decided accounts (each weighted by 1 / its inclusion
    probability) and register them as a new version aliased @challenger."""
    from risk.service.database import open_engine
    from risk.service.models import recalibrate_challenger
    from risk.settings import get_settings

    settings = get_settings()
    engine = open_engine(settings=settings)
    try:
        result = recalibrate_challenger(
            engine=engine, settings=settings, actor=by or getpass.getuser(), reason=reason
        )
    finally:
        engine.dispose()
    assert result.version is not None
    if as_json:
        typer.echo(
            json_text(
                {
                    "version": result.version.version,
                    "base_version": result.base.version,
                    "thresholds": result.thresholds,
                    "evidence": result.evidence,
                }
            )
        )
        return
    ev = result.evidence
    typer.echo(
        f"challenger {result.version.name}/{result.version.version} (from champion"
        f" {result.base.version}): {ev['decided_accounts']} decided accounts, {ev['confirmed']}"
        f" confirmed, {ev['exploration_decisions']} from exploration"
    )
    for band, after in result.thresholds.items():
        before = ev["thresholds_before"][band]
        precision = ev["precision_after"][band]["precision"]
        typer.echo(
            f"  {band:<9} >= {after:.3f} (was {before:.3f}); weighted precision {precision:.3f}"
        )
    typer.echo(f"  MLflow run {result.version.run_id}")

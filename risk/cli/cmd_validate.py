"""``risk validate DIR``: check a snapshot directory against the data contract."""

from __future__ import annotations

from pathlib import Path

import typer

from risk.cli.app import app
from risk.jsontext import json_text


@app.command("validate")
def validate(
    directory: Path = typer.Argument(..., help="Snapshot directory (accounts, orders, ...)."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Check a snapshot against the data contract; exit 1 if it has any error."""
    from features.validation import validate_snapshot

    report = validate_snapshot(directory)
    if as_json:
        typer.echo(json_text(report.to_dict(), pretty=True))
    else:
        for line in report.render().splitlines():
            colour = "red" if line.startswith("ERROR") else None
            colour = "yellow" if line.startswith("WARNING") else colour
            typer.secho(line, fg=colour)
    if not report.ok:
        raise typer.Exit(code=1)

"""``risk decisions import FILE``: bring a platform's past decisions into the store."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from risk.cli.app import app
from risk.jsontext import json_text

decisions_app = typer.Typer(help="Moderators' decisions: import past ones.", no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("import")
def import_(
    file: Path = typer.Argument(
        ...,
        help="CSV or Parquet: account_id, decision (confirm|dismiss|escalate), reviewer,"
        " decided_at (ISO 8601, UTC when no zone), optional note.",
    ),
    by: str | None = typer.Option(
        None, "--by", help="Who imports (the audit log's actor); default: the login name."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and tie to runs only."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Validate the file (all or nothing), tie each decision to the published run that scored
    the account as of its time, append and audit them; re-importing adds nothing twice."""
    from risk.service.database import open_engine
    from risk.service.decision_import import import_decisions_file
    from risk.settings import get_settings

    engine = open_engine(settings=get_settings())
    try:
        result = import_decisions_file(
            engine=engine, path=file, imported_by=by or getpass.getuser(), dry_run=dry_run
        )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json_text(vars(result)))
        return
    counts = ", ".join(f"{n} {d}" for d, n in result.by_decision.items())
    typer.echo(
        f"{result.rows} decisions ({counts}) on {result.accounts} accounts,"
        f" made on {result.runs} scoring run(s)"
    )
    if dry_run:
        typer.echo("dry run: nothing written")
    else:
        typer.echo(
            f"import {result.import_id}: {result.added} added,"
            f" {result.skipped} already in the store (skipped)"
        )

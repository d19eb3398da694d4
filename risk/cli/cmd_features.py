"""``risk features DIR [--as-of T] --out FILE``: build the feature table of a snapshot."""

from __future__ import annotations

from pathlib import Path

import typer

from risk.cli.app import app


@app.command("features")
def features(
    directory: Path = typer.Argument(..., help="Snapshot directory (accounts, orders, ...)."),
    out: Path = typer.Option(..., "--out", help="Output file, .csv or .parquet."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Point in time (ISO 8601, UTC if no zone); default: latest event."
    ),
) -> None:
    """Validate a snapshot and write one row of features per account joined by --as-of."""
    import pandas as pd

    from features.build import FEATURE_FILE_SUFFIXES, build_features, save_feature_table
    from features.validation import read_valid_snapshot

    if out.suffix not in FEATURE_FILE_SUFFIXES:
        raise typer.BadParameter("must end in .csv or .parquet", param_hint="--out")
    try:
        moment = None if as_of is None else pd.Timestamp(as_of)
    except ValueError as error:
        raise typer.BadParameter(f"not a timestamp: {as_of!r}", param_hint="--as-of") from error
    table = build_features(read_valid_snapshot(directory), moment)
    save_feature_table(table, out)
    typer.echo(f"wrote {len(table):,} accounts x {table.shape[1]} features to {out}")

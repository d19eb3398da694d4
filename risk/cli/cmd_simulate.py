"""``risk simulate``: write a labelled, simulated platform snapshot (training data)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from risk.cli.app import app


@app.command("simulate")
def simulate(
    out_dir: Path = typer.Argument(..., help="Snapshot directory to create (must not exist)."),
    accounts: int = typer.Option(20_000, "--accounts", min=100, help="Seller accounts."),
    seed: int = typer.Option(0, "--seed", help="Same seed, byte-identical files."),
    fmt: str = typer.Option("parquet", "--format", help="csv or parquet."),
    positive_share: float = typer.Option(
        0.3, "--positive-share", help="Share of accounts in pyramid-style schemes."
    ),
    span_days: int = typer.Option(365, "--span-days", help="Days of platform history."),
) -> None:
    """Simulate a platform of seller networks (legitimate and pyramid-style) with labels."""
    from training.simulator import (
        SimulationConfig,
        SimulationError,
        simulate_platform,
        write_snapshot,
    )

    if fmt not in ("csv", "parquet"):
        raise SimulationError(f"--format must be csv or parquet, got {fmt!r}")
    chosen: Literal["csv", "parquet"] = "csv" if fmt == "csv" else "parquet"
    config = SimulationConfig(
        accounts=accounts, seed=seed, positive_share=positive_share, span_days=span_days
    )
    snapshot = simulate_platform(config)
    write_snapshot(snapshot, out_dir, chosen)
    labels = snapshot.labels
    assert labels is not None
    typer.echo(f"wrote {out_dir} ({chosen})")
    typer.echo(f"accounts     {len(snapshot.accounts):,}")
    typer.echo(f"orders       {len(snapshot.orders):,}")
    typer.echo(f"commissions  {len(snapshot.commissions):,}")
    typer.echo(f"positive     {labels['label'].mean():.1%}")
    for family, count in labels["family"].value_counts().sort_index().items():
        typer.echo(f"  {family:26} {count:,}")

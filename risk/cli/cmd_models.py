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


@models_app.command("shadow")
def shadow(
    run: str = typer.Option(..., "--run", help="A published run id."),
    snapshot_dir: str | None = typer.Option(
        None, "--snapshot", help="Its snapshot (default: where the run read it)."
    ),
) -> None:
    """Score a published run again with @challenger and store the shadow scores."""
    from pathlib import Path

    from risk.service.shadow import shadow_run
    from risk.settings import get_settings

    found = shadow_run(
        settings=get_settings(),
        run_id=run,
        snapshot_dir=Path(snapshot_dir) if snapshot_dir else None,
    )
    typer.echo(_shadow_line(found))


def _shadow_line(found: object) -> str:
    if found is None:
        return "no shadow run: no @challenger, or it is the model that scored the run"
    return (
        f"shadow run of {found.run_id} by {found.model_version}: {found.accounts:,} accounts,"  # type: ignore[attr-defined]
        f" {found.changed_band:,} change band"  # type: ignore[attr-defined]
    )


@models_app.command("compare")
def compare(
    run: str | None = typer.Option(None, "--run", help="Run id (default: newest shadowed)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Champion vs challenger: band changes, agreement with decisions since, precision at k."""
    from risk.service.database import open_engine
    from risk.service.shadow import compare_models
    from risk.settings import get_settings

    settings = get_settings()
    engine = open_engine(settings=settings)
    try:
        result = compare_models(engine=engine, run_id=run, k=settings.review_capacity)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json_text(result.to_dict()))
        return
    typer.echo(
        f"run {result.run_id} (as of {result.as_of}): {result.champion} (champion) vs"
        f" {result.challenger} (challenger), {result.accounts:,} accounts,"
        f" {result.changed_band:,} change band"
    )
    for before, row in result.band_changes.items():
        moved = ", ".join(f"{n:,} -> {after}" for after, n in row.items() if after != before)
        if moved:
            typer.echo(f"  {before}: {moved}")
    for model in ("champion", "challenger"):
        typer.echo(
            f"  {model:<10} flagged {result.flagged[model]:,}; agrees with"
            f" {_pct(result.agreement[model])} of {result.decisions_since:,} decisions since;"
            f" precision at {result.k} among {result.decided_accounts:,} decided:"
            f" {_pct(result.precision_at_k[model])}"
        )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


@models_app.command("promote")
def promote(
    reason: str = typer.Option(..., "--reason", help="Why the challenger should serve."),
    by: str | None = typer.Option(None, "--by", help="Who promotes (audit log); default: login."),
    run: str | None = typer.Option(None, "--run", help="Evidence from this run's shadow."),
) -> None:
    """Make @challenger the champion: a person's decision, with the comparison attached in
    MLflow and the audit log (who, what, why)."""
    from risk.service.database import open_engine
    from risk.service.shadow import promote_challenger
    from risk.settings import get_settings

    settings = get_settings()
    engine = open_engine(settings=settings)
    try:
        record = promote_challenger(
            engine=engine,
            settings=settings,
            actor=by or getpass.getuser(),
            reason=reason,
            run_id=run,
        )
    finally:
        engine.dispose()
    typer.echo(
        f"{record['model']} version {record['version']} is now @{settings.model_alias}"
        f" (was {record['previous_champion']}); audited with the comparison of run"
        f" {record['evidence']['run_id']}"
    )

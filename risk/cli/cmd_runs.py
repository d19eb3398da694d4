"""``risk runs``: list the scoring runs in the store (newest first); ``risk runs prune``."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import typer

from risk.cli.app import app
from risk.jsontext import json_text

if TYPE_CHECKING:
    from risk.service.runs import PruneResult, VacuumResult

runs_app = typer.Typer(
    help="List scoring runs (newest first); `risk runs prune` removes the bulk of old ones.",
    invoke_without_command=True,
)
app.add_typer(runs_app, name="runs")


def _total_seconds(run: Any) -> float | None:
    """Wall time of a finished run."""
    if run.finished_at is None:
        return None
    return round((run.finished_at - run.started_at).total_seconds(), 3)


def _row(run: Any) -> str:
    """One human-readable line per run."""
    seconds = _total_seconds(run)
    bands = (run.counts or {}).get("bands", run.counts or {})
    band_text = " ".join(f"{k}={v}" for k, v in bands.items() if isinstance(v, int))
    pruned = f"pruned={run.pruned_at:%Y-%m-%d} (-{run.pruned_rows:,} rows)" if run.pruned else ""
    return (
        f"{run.id[:12]}  {run.status:9}  as_of={run.as_of:%Y-%m-%dT%H:%M:%SZ}  "
        f"model={run.model_name}/{run.model_version}  data={run.data_fingerprint[:12]}  "
        f"accounts={run.accounts_scored if run.accounts_scored is not None else '-'}  "
        f"{band_text}  {'' if seconds is None else f'{seconds:.1f}s'}  {pruned}"
    ).rstrip()


@runs_app.callback()
def list_scoring_runs(
    context: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of runs."),
    limit: int = typer.Option(50, "--limit", min=1, help="How many runs, newest first."),
) -> None:
    """List scoring runs: id, as_of, model, data fingerprint, counts, status, timing, pruning."""
    if context.invoked_subcommand is not None:
        return
    from risk.service.database import open_engine
    from risk.service.runs import list_runs
    from risk.settings import get_settings

    engine = open_engine(settings=get_settings())
    runs = list_runs(engine=engine, limit=limit)
    if as_json:
        payload = [{**run.to_dict(), "seconds": _total_seconds(run)} for run in runs]
        typer.echo(json_text(payload, pretty=True))
        return
    if not runs:
        typer.echo("no scoring runs yet")
    for run in runs:
        typer.echo(_row(run))


_VERBS = {"prune": "prune", "fail": "fail+drop", "drop": "drop"}


def _print_prune(result: PruneResult, vacuumed: VacuumResult | None) -> None:
    """One line per run touched, then the totals."""
    would = "would " if result.dry_run else ""
    for action in result.actions:
        typer.echo(
            f"{would}{_VERBS[action.action]:9}  {action.run_id[:12]}  {action.status:9}  "
            f"as_of={action.as_of:%Y-%m-%dT%H:%M:%SZ}  model={action.model}  "
            f"drop {action.rows_dropped:,} rows, keep {action.rows_kept:,}"
        )
    if not result.actions:
        typer.echo(f"nothing to prune (the newest {result.policy.keep_last} published runs kept)")
    else:
        typer.echo(
            f"{would}drop {result.rows_dropped:,} score rows of {len(result.actions)} run(s) "
            f"in {result.seconds:.1f} s"
        )
    if vacuumed is not None:
        typer.echo(
            f"vacuum ({vacuumed.backend}): {vacuumed.bytes_before / 1e6:,.1f} MB -> "
            f"{vacuumed.bytes_after / 1e6:,.1f} MB in {vacuumed.seconds:.1f} s"
        )


_PRUNE_EPILOG = (
    "A pruned run stays listed with its model, as_of, counts and fingerprint; it keeps every "
    "row at band medium or above and every decided account, and its report keeps its figures "
    "(the removed rows are tallied). Decisions and the audit log are never touched; each run "
    "pruned is written to the audit log. Running it again finishes an interrupted prune. "
    "Exit codes: 0 done; 1 store error; 2 usage error."
)


@runs_app.command("prune", epilog=_PRUNE_EPILOG)
def prune(
    keep_last: int | None = typer.Option(
        None,
        "--keep-last",
        min=1,
        help="Published runs kept whole, newest first (default: RISK_KEEP_RUNS, 30). "
        "The latest published run is never pruned.",
    ),
    older_than: float | None = typer.Option(
        None, "--older-than", min=0, help="Also keep every run published less than DAYS ago."
    ),
    stale_after: float = typer.Option(
        24.0,
        "--stale-after",
        min=1,
        help="A run still running HOURS after it started is presumed crashed: it is marked "
        "failed and its rows are dropped.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would go; change nothing."),
    vacuum: bool = typer.Option(
        False,
        "--vacuum",
        help="Then give the space back: SQLite rewrites its file (writers wait meanwhile); "
        "PostgreSQL runs VACUUM (ANALYZE) on scores.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Prune old scoring runs: drop their score rows at band low with no decision on record."""
    if dry_run and vacuum:
        raise typer.BadParameter("--vacuum changes the store; it cannot go with --dry-run")
    from risk.service.database import open_engine
    from risk.service.runs import prune_runs
    from risk.settings import get_settings

    settings = get_settings()
    result, vacuumed = prune_runs(
        engine=open_engine(settings=settings),
        keep_last=settings.keep_runs if keep_last is None else keep_last,
        older_than=None if older_than is None else timedelta(days=older_than),
        stale_after=timedelta(hours=stale_after),
        dry_run=dry_run,
        vacuum=vacuum,
    )
    if as_json:
        payload = {**result.to_dict(), "vacuum": None if vacuumed is None else vacuumed.to_dict()}
        typer.echo(json_text(payload, pretty=True))
        return
    _print_prune(result, vacuumed)

"""``risk runs``: list the scoring runs in the store (newest first)."""

from __future__ import annotations

import json
from typing import Any

import typer

from risk.cli.app import app


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
    return (
        f"{run.id[:12]}  {run.status:9}  as_of={run.as_of:%Y-%m-%dT%H:%M:%SZ}  "
        f"model={run.model_name}/{run.model_version}  data={run.data_fingerprint[:12]}  "
        f"accounts={run.accounts_scored if run.accounts_scored is not None else '-'}  "
        f"{band_text}  {'' if seconds is None else f'{seconds:.1f}s'}"
    ).rstrip()


@app.command("runs")
def list_scoring_runs(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of runs."),
    limit: int = typer.Option(50, "--limit", min=1, help="How many runs, newest first."),
) -> None:
    """List scoring runs: id, as_of, model version, data fingerprint, counts, status, timing."""
    from risk.settings import get_settings
    from risk.store.db import open_store
    from risk.store.runs import list_runs

    engine = open_store(get_settings().store_url)
    runs = list_runs(engine, limit=limit)
    if as_json:
        payload = [{**run.to_dict(), "seconds": _total_seconds(run)} for run in runs]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not runs:
        typer.echo("no scoring runs yet")
    for run in runs:
        typer.echo(_row(run))

"""``risk score``: the nightly batch scoring run, with exit codes a scheduler can act on."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from features.errors import ExitCode
from risk.cli.app import app
from risk.jsontext import json_text

EXIT_PUBLISHED = ExitCode.OK
EXIT_BAD_INPUT = ExitCode.BAD_INPUT
EXIT_USAGE = ExitCode.USAGE
EXIT_MODEL_NOT_FOUND = ExitCode.MODEL_NOT_FOUND
EXIT_STORE = ExitCode.STORE
EXIT_DRIFT = ExitCode.DRIFT

_EPILOG = (
    "Exit codes (every risk command): 0 published (or already published); 1 bad input; "
    "2 usage error; 3 model not found; 4 store error (retry later); 5 drift warning with "
    "--fail-on-drift (the run is still published); 6 a program the command needs is missing."
)


class RichProgress:
    """One progress bar per stage, drawn on stderr."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, stage: str, total: int | None = None) -> None:
        """Add a bar (a spinner-like bar when the total is unknown)."""
        self._tasks[stage] = self._progress.add_task(stage, total=total)

    def advance(self, stage: str, amount: int = 1) -> None:
        """Move the stage's bar."""
        self._progress.advance(self._tasks[stage], amount)

    def finish(self, stage: str) -> None:
        """Fill the stage's bar."""
        task = self._tasks[stage]
        total = self._progress.tasks[task].total
        self._progress.update(task, total=total or 1, completed=total or 1)


def _check_as_of(value: str | None) -> None:
    """Refuse an ``--as-of`` that is no ISO 8601 time at once, before pandas is imported (a
    typo answers in well under a second, not after the scoring libraries load)."""
    if value is None:
        return
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise typer.BadParameter(
            f"not a timestamp: {value!r} (ISO 8601, e.g. 2026-06-30T23:59:59Z)",
            param_hint="--as-of",
        ) from error


def _parse_as_of(value: str | None) -> Any:
    """``--as-of`` as a UTC timestamp (usage error when unreadable)."""
    if value is None:
        return None
    # lazy: pandas takes seconds to import; --help and usage errors must not wait for it
    import pandas as pd

    from features.utc import utc

    try:
        return utc(pd.Timestamp(value))
    except (ValueError, TypeError) as error:
        raise typer.BadParameter(f"not a timestamp: {value!r}", param_hint="--as-of") from error


def _model_ref(model: str | None) -> str:
    """NAME@ALIAS or NAME/VERSION; default the configured model at its alias."""
    from risk.settings import get_settings

    settings = get_settings()
    ref = model or f"{settings.model_name}@{settings.model_alias}"
    if "@" not in ref and "/" not in ref:
        raise typer.BadParameter("expected NAME@ALIAS or NAME/VERSION", param_hint="--model")
    return ref


def _exit_code(error: BaseException) -> int | None:
    """The documented exit code of a failure (None: a bug, let its traceback show)."""
    from sqlalchemy.exc import SQLAlchemyError

    from features.errors import ServiceError

    if isinstance(error, ServiceError):
        return int(error.exit_code)
    if isinstance(error, SQLAlchemyError):
        return EXIT_STORE
    return None


@contextmanager
def _stop_cleanly_on_sigterm() -> Iterator[None]:
    """systemd stops a unit with SIGTERM: raise instead, so the run is marked failed."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def render_summary(summary: Any, console: Console) -> None:
    """The human summary: bands, networks flagged, indicators, drift, time per stage, where."""
    data = summary.to_dict()
    state = "already published" if summary.already_published else "published"
    console.print(
        f"[bold]Run {data['run_id']}[/] {state} — {data['model_version']}, as of "
        f"{data['as_of']}, {data['accounts_scored']:,} accounts"
    )
    bands = Table("band", "accounts", title="Accounts per band", title_justify="left")
    for band, n in data["counts"].get("bands", {}).items():
        bands.add_row(band, f"{n:,}")
    console.print(bands)
    console.print(
        f"Networks flagged (an account at high or above): "
        f"{data['counts'].get('networks_flagged', 0):,}"
    )
    fired = data["counts"].get("indicators", {})
    console.print(
        "Indicators fired: " + (", ".join(f"{k} {v:,}" for k, v in fired.items()) or "none")
    )
    stages = Table("stage", "seconds", "peak MB", title="Time per stage", title_justify="left")
    for stage, seconds in data["timings"].items():
        stages.add_row(stage, f"{seconds:.1f}", f"{data['peak_memory_mb'].get(stage, 0):,.0f}")
    console.print(stages)
    if data.get("reasons_reused") or data.get("scores_reused"):
        console.print(
            f"Reused from the previous run (model input unchanged): scores of "
            f"{data.get('scores_reused', 0):,} accounts, reasons of {data['reasons_reused']:,}"
        )
    for warning in data["drift"].get("warnings", []):
        console.print(f"[bold yellow]drift warning:[/] {warning}")
    prior = data["drift"].get("prior_shift") or {}
    if prior.get("applied"):
        console.print(
            f"Prior shift: scheme share estimated at {prior['estimated_prior']:.1%} (training"
            f" {prior['training_prior']:.1%}); scores adjusted to it before banding"
        )
    elif prior:
        console.print(f"Prior shift ({prior.get('mode')}): not applied, {prior.get('note')}")
    console.print(
        f"Store: {data['store']}" + (f"   Score table: {data['out']}" if data["out"] else "")
    )


def _record_metrics(summary: Any, exit_code: int, settings: Any, err: Console) -> None:
    """The job's metrics to the textfile and/or Pushgateway configured (warnings only)."""
    from risk.scoring.job_metrics import record_run

    problems = record_run(
        summary=summary,
        exit_code=exit_code,
        textfile=settings.metrics_textfile,
        pushgateway=settings.pushgateway_url,
    )
    for problem in problems:
        err.print(f"[bold yellow]warning:[/] {problem}", highlight=False)


@app.command("score", epilog=_EPILOG)
def score(
    snapshot_dir: str = typer.Argument(
        ..., help="Snapshot directory (DATA_CONTRACT.md); with --engine spark any URI Spark reads."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Score as of T (default: latest event in the snapshot)."
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        help="NAME@ALIAS or NAME/VERSION (default: the configured model @champion).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Also write the score table (.csv or .parquet)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON summary on stdout."),
    fail_on_drift: bool = typer.Option(
        False, "--fail-on-drift", help="Exit 5 when a PSI exceeds 0.25."
    ),
    chunk_size: int = typer.Option(
        50_000, "--chunk-size", min=1, hidden=True, help="Accounts per explain/write chunk."
    ),
    engine: str = typer.Option(
        "local", "--engine", help="local (one process) or spark (docs/spark.md)."
    ),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="Spark master URL, e.g. local[4] or yarn (--engine spark)."
    ),
    prior_shift: str | None = typer.Option(
        None,
        "--prior-shift",
        help="em: adjust scores to the snapshot's estimated scheme share before banding; off:"
        " as calibrated in training (default: RISK_PRIOR_SHIFT, else off).",
    ),
    shadow: bool = typer.Option(
        True,
        "--shadow/--no-shadow",
        help="Also score with the @challenger model, when one is registered, and store its"
        " scores beside the run (moderators keep the champion's; local engine only).",
    ),
    full: bool = typer.Option(
        False,
        "--full",
        help="Predict and explain every account; by default an account whose model input the"
        " latest published run (same model version) holds unchanged keeps its score and"
        " reasons (the same numbers).",
    ),
) -> None:
    """Score every account of a snapshot and publish the run atomically (the nightly job)."""
    # Usage errors first, before the scoring libraries load (seconds).
    if prior_shift not in (None, "em", "off"):
        raise typer.BadParameter("use em or off", param_hint="--prior-shift")
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise typer.BadParameter("must end in .csv or .parquet", param_hint="--out")
    _check_as_of(as_of)
    # lazy: the scoring engines import pandas, LightGBM and MLflow (seconds)
    from risk.scoring import ENGINES, engine_named, run_scoring
    from risk.service.cases import sync_cases_of_published_run
    from risk.settings import get_settings

    if engine not in ENGINES:
        raise typer.BadParameter(f"use one of {', '.join(ENGINES)}", param_hint="--engine")
    timestamp, model_ref = _parse_as_of(as_of), _model_ref(model)
    settings = get_settings()
    settings.ensure_home()
    err = Console(stderr=True)
    show_progress = not (quiet or as_json)
    try:
        with (
            _stop_cleanly_on_sigterm(),
            RichProgress(err) if show_progress else nullcontext() as progress,
        ):
            summary = run_scoring(
                engine=engine_named(engine, spark_master=spark_master),
                snapshot_dir=snapshot_dir,
                as_of=timestamp,
                model_ref=model_ref,
                store_url=settings.store_url,
                tracking_uri=settings.tracking_uri,
                out=out,
                progress=progress,
                chunk_size=chunk_size,
                prior_shift=prior_shift or settings.prior_shift,
                full=full,
            )
            # After publishing, never inside it: a case problem cannot hold back the scores.
            cases = sync_cases_of_published_run(settings=settings, run_id=summary.run_id)
    except Exception as error:
        code = _exit_code(error)
        _record_metrics(None, code if code is not None else EXIT_BAD_INPUT, settings, err)
        if code is None:
            raise
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        if as_json:
            typer.echo(json_text({"status": "error", "exit_code": code, "error": message}))
        err.print(f"[bold red]error:[/] {message}", highlight=False)
        raise typer.Exit(code) from error
    drifted = fail_on_drift and bool(summary.drift.get("warnings"))
    _record_metrics(summary, EXIT_DRIFT if drifted else EXIT_PUBLISHED, settings, err)
    shadowed = None
    if shadow and engine == "local" and model is None:
        shadowed = _shadow(settings, summary.run_id, Path(snapshot_dir))
    if as_json:
        typer.echo(
            json_text(
                {**summary.to_dict(), "shadow": _shadow_dict(shadowed), "cases": cases.to_dict()}
            )
        )
    elif not quiet:
        render_summary(summary, Console(file=sys.stdout))
        typer.echo(
            f"cases: {len(cases.opened)} opened, {len(cases.updated)} updated, "
            f"{cases.accounts_added} accounts added"
        )
        if shadowed is not None:
            Console(file=sys.stdout).print(
                f"shadow: {shadowed.model_version} (@challenger) scored the run too;"
                f" {shadowed.changed_band:,} accounts change band (`risk models compare`)",
                highlight=False,
            )
    if drifted:
        raise typer.Exit(EXIT_DRIFT)


def _shadow(settings: Any, run_id: str, snapshot_dir: Path) -> Any:
    """The run scored again by @challenger (None without a distinct challenger)."""
    from risk.service.shadow import shadow_run

    return shadow_run(settings=settings, run_id=run_id, snapshot_dir=snapshot_dir)


def _shadow_dict(shadowed: Any) -> dict[str, Any] | None:
    if shadowed is None:
        return None
    return {
        "model_version": shadowed.model_version,
        "accounts": shadowed.accounts,
        "changed_band": shadowed.changed_band,
    }

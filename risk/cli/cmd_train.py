"""``risk train``: train, evaluate against baselines, log to MLflow, register and promote."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from risk.cli.app import app


class RetrainMethod(StrEnum):
    """How a challenger learns from decisions on top of the champion (docs/feedback.md)."""

    stack = "stack"
    continue_ = "continue"


if TYPE_CHECKING:
    from risk.settings import Settings

SPLIT_NAMES = {"grouped_test": "networks", "out_of_time_test": "time"}
SCORER_NAMES = {"logistic_regression": "logistic", "rules_only": "rules"}


@app.command("train")
def train(
    snapshot_dir: Path = typer.Argument(
        ..., help="Snapshot directory (with labels.*, unless --labels or decisions give them)."
    ),
    labels: Path | None = typer.Option(
        None, "--labels", help="Labels file; default SNAPSHOT_DIR/labels.*."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Point in time (default: latest event)."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Registered model name (default: settings)."
    ),
    promote: bool = typer.Option(
        False, "--promote", help="Make the new version champion regardless."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Training seed (default: settings)."),
    no_out_of_time: bool = typer.Option(
        False, "--no-out-of-time", help="Skip the out-of-time check."
    ),
    worlds: int | None = typer.Option(
        None,
        "--worlds",
        min=0,
        help="Generated worlds (both simulators, habits drawn at random) trained on beside the"
        " snapshot; 0 = the snapshot alone (default: settings, RISK_TRAINING_WORLDS).",
    ),
    labels_from_decisions: bool = typer.Option(
        False,
        "--labels-from-decisions",
        help="Moderators' decisions in the store as labels (confirm = 1, dismiss = 0). With a"
        " champion (and --prior, the default): learn from the decided accounts of this snapshot"
        " on top of the champion (--method), features as of each decision's run, and register"
        " the result as @challenger. With --no-prior or no champion: the decisions override the"
        " snapshot's labels (with no labels in the snapshot, train on decided accounts only).",
    ),
    prior: bool = typer.Option(
        True,
        "--prior/--no-prior",
        help="With --labels-from-decisions: start from the champion (the simulator prior).",
    ),
    method: RetrainMethod = typer.Option(
        RetrainMethod.stack,
        "--method",
        help="With --labels-from-decisions and --prior: 'stack' a model of the platform on the"
        " champion (weights learnt out of fold by network), or 'continue' boosting the"
        " champion's log-odds (docs/feedback.md).",
    ),
) -> None:
    """Train the risk model on a labelled snapshot and register it in MLflow."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from risk.service.training import labelled_snapshot, train_snapshot, training_config
    from risk.settings import get_settings

    settings = get_settings()
    if labels_from_decisions and prior and _retrained(settings, snapshot_dir, name, method.value):
        return
    decisions = _decision_labels(settings) if labels_from_decisions else None
    snapshot, merged = labelled_snapshot(
        snapshot_dir=snapshot_dir, labels_file=labels, decisions=decisions
    )
    console = Console()
    if merged is not None:
        console.print(merged.describe(), highlight=False, soft_wrap=True)
    config = training_config(
        settings=settings,
        name=name,
        seed=seed,
        promote=promote,
        out_of_time=not no_out_of_time,
        worlds=worlds,
    )
    result = train_snapshot(snapshot=snapshot, settings=settings, config=config, as_of=as_of)
    render(result, console)


def _retrained(settings: Settings, snapshot_dir: Path, name: str | None, method: str) -> bool:
    """Learn from the decisions on top of the champion into a challenger; False when there is
    no champion."""
    import getpass

    from features.validation import read_valid_snapshot
    from models.errors import ModelNotFoundError
    from risk.service.database import open_engine
    from risk.service.models import retrain_challenger

    snapshot = read_valid_snapshot(snapshot_dir)
    engine = open_engine(settings=settings)
    try:
        result = retrain_challenger(
            engine=engine,
            settings=settings,
            snapshot=snapshot,
            actor=getpass.getuser(),
            name=name,
            method=method,
        )
    except ModelNotFoundError:
        return False
    finally:
        engine.dispose()
    ev = result.evidence
    if ev["method"] == "stack":
        learnt = (
            f" a platform model stacked on {ev['decided_accounts']:,} decided accounts"
            f" ({ev['confirmed']:,} confirmed, {ev['networks']:,} networks), features as of each"
            f" decision's run: log-odds = {ev['champion_weight']:.2f} x champion +"
            f" {ev['platform_weight']:.2f} x platform {ev['intercept']:+.2f}\n"
            f"  decided accounts out of fold: average precision"
            f" {_num(ev['champion_average_precision'])} (champion) ->"
            f" {_num(ev['challenger_average_precision'])}\n"
        )
    else:
        learnt = (
            f" {ev['added_rounds']} more boosting rounds on {ev['decided_accounts']:,} decided"
            f" accounts ({ev['confirmed']:,} confirmed), features as of each decision's run\n"
            f"  held-out decided accounts ({ev['held_out_accounts']:,}): average precision"
            f" {_num(ev['champion_average_precision'])} (champion) ->"
            f" {_num(ev['challenger_average_precision'])}, log loss"
            f" {_num(ev['champion_log_loss'])} -> {_num(ev['challenger_log_loss'])}\n"
        )
    Console().print(
        f"[bold]Challenger[/] version {result.version} from champion {result.base_version}:"
        + learnt
        + "  alias @challenger: moderators keep the champion until `risk models promote`;"
        f" MLflow run {result.mlflow_run_id}",
        highlight=False,
    )
    return True


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _decision_labels(settings: Settings) -> Any:
    """One label per decided account, read from the store."""
    from risk.service.database import open_engine
    from risk.service.decisions import labels_from_decisions

    engine = open_engine(settings=settings)
    try:
        return labels_from_decisions(engine=engine)
    finally:
        engine.dispose()


def render(result: Any, console: Console) -> None:
    """The short, readable summary of a training run."""
    k = int(result.metrics["k"])
    console.print(
        f"[bold]Trained[/] on {result.data['labelled_accounts']:,} labelled accounts"
        f" as of {result.data['as_of']} ({result.data['features']} features)"
    )
    if result.data.get("worlds"):
        console.print(
            f"  and {result.data['world_accounts']:,} accounts of"
            f" {len(result.data['worlds'])} generated worlds (both simulators, habits drawn at"
            " random; held-out figures below are the snapshot's own)"
        )
    if result.data.get("members", 1) > 1:
        console.print(
            f"  the model averages {result.data['members']} boosters, the worlds dealt round them"
        )
    for part, v in result.data["parts"].items():
        console.print(
            f"  {part:<12} {v['accounts']:>9,} accounts {v['networks']:>7,} networks"
            f" {v['positives']:>9,} scheme accounts",
            highlight=False,
        )
    console.print(_metrics_table(result.table, k))
    console.print(
        "  model = what ships; lightgbm = LightGBM alone (shown when it does not ship);"
        " logistic = logistic regression on the same features; rules = legal indicators"
    )
    selection = result.metrics.get("selection") or {}
    if selection:
        console.print(
            f"  ships: [bold]{selection['shipped']}[/] ({selection['kind']}, weight"
            f" {float(selection['weight_lightgbm']):.2f} on LightGBM): {selection['reason']}",
            highlight=False,
        )
    console.print(
        "  split [bold]networks[/]: held-out networks (none on both sides), as of the snapshot"
    )
    oot = result.metrics.get("out_of_time")
    if oot:
        console.print(
            f"  split [bold]time[/]: trained as of {oot['train_as_of'][:10]}, tested on"
            f" {oot['test_accounts']:,} accounts of held-out networks that joined later"
        )
    for line in _weak_slices(result.metrics.get("slices", {})):
        console.print(f"  {line}", highlight=False)
    bands = ", ".join(f"{band} >= {value:.3f}" for band, value in result.thresholds.items())
    console.print(f"  bands (calibrated score, chosen on validation networks): {bands}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"MLflow run {result.run_id} (experiment {result.experiment_id})")
    console.print(f"  tracking {result.tracking_uri}", highlight=False)
    console.print(
        f"Registered [bold]{result.model_name}[/] version {result.version}"
        f" -> alias [bold]{result.alias}[/]: {result.promotion_reason}"
    )
    console.print(
        f"  data fingerprint {result.fingerprint[:16]}…, feature registry"
        f" {result.feature_registry_version}, took {result.seconds:.0f} s"
    )


def _metrics_table(frame: Any, k: int) -> Table:
    """Model and baselines per split, one row each."""
    table = Table(title=f"Held-out metrics (k = {k}, the daily review capacity)")
    headers = ("split", "scorer", "ROC AUC", "AP", f"P@{k}", f"R@{k}", f"nets@{k}", "Brier")
    for header in headers:
        table.add_column(header, justify="left" if header in ("split", "scorer") else "right")
    for row in frame.to_dict(orient="records"):
        table.add_row(
            SPLIT_NAMES.get(row["split"], row["split"]),
            SCORER_NAMES.get(row["scorer"], row["scorer"]),
            *(
                f"{row[c]:.4f}"
                for c in ("roc_auc", "average_precision", f"precision_at_{k}", f"recall_at_{k}")
            ),
            f"{row[f'scheme_networks_in_top_{k}']:.0f}",
            f"{row['brier']:.4f}",
        )
    return table


def _weak_slices(slices: dict[str, Any]) -> list[str]:
    """The weakest role and family by pair AUC (where the model is least sure)."""
    lines = []
    for column, rows in slices.items():
        scored = {n: v["pair_auc"] for n, v in rows.items() if v["pair_auc"] == v["pair_auc"]}
        if scored:
            name = min(scored, key=lambda n: scored[n])
            lines.append(f"weakest {column}: {name} (pair AUC {scored[name]:.4f}, grouped test)")
    return lines

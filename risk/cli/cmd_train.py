"""``risk train``: train, evaluate against baselines, log to MLflow, register and promote."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from risk.cli.app import app

SPLIT_NAMES = {
    "grouped_test": "held-out networks",
    "out_of_time_test": "out of time",
}


@app.command("train")
def train(
    snapshot_dir: Path = typer.Argument(..., help="Snapshot directory (with labels.*)."),
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
) -> None:
    """Train the risk model on a labelled snapshot and register it in MLflow."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    from dataclasses import replace

    from features.validation import read_valid_snapshot
    from risk.indicators.engine import indicator_score
    from risk.settings import get_settings
    from training.config import TrainingConfig
    from training.data import read_labels_file, with_label_extras
    from training.pipeline import train_and_register

    settings = get_settings()
    settings.ensure_home()
    snapshot = read_valid_snapshot(snapshot_dir)
    if labels is not None:
        snapshot = replace(
            snapshot, labels=read_labels_file(labels, snapshot.accounts["account_id"])
        )
    elif snapshot.labels is not None:
        snapshot = replace(
            snapshot, labels=with_label_extras(snapshot.labels, snapshot.files.get("labels"))
        )
    config = TrainingConfig(
        model_name=name or settings.model_name,
        experiment=name or settings.model_name,
        seed=settings.seed if seed is None else seed,
        review_capacity=settings.review_capacity,
        band_precisions=settings.band_precisions,
        out_of_time=not no_out_of_time,
        force_promote=promote,
        artifact_root=settings.artifacts_dir if settings.mlflow_tracking_uri is None else None,
    )
    result = train_and_register(
        snapshot, as_of, config, settings.tracking_uri, {"rules_only": indicator_score}
    )
    render(result, Console())


def render(result: Any, console: Console) -> None:
    """The short, readable summary of a training run."""
    k = next(c for c in result.table.columns if c.startswith("precision_at_")).removeprefix(
        "precision_at_"
    )
    parts = result.data["parts"]
    sizes = ", ".join(
        f"{part} {v['accounts']:,} accounts / {v['networks']:,} networks"
        f" / {v['positives']:,} scheme accounts"
        for part, v in parts.items()
    )
    console.print(
        f"[bold]Trained[/] on {result.data['labelled_accounts']:,} labelled accounts"
        f" as of {result.data['as_of']}"
    )
    console.print(f"  split by whole network: {sizes}", highlight=False)
    table = Table(title=f"Held-out metrics (k = {k}, the daily review capacity)")
    for column in (
        "split",
        "scorer",
        "ROC AUC",
        "avg precision",
        f"P@{k}",
        f"R@{k}",
        f"scheme nets in top {k}",
        "Brier",
    ):
        table.add_column(column, justify="left" if column in ("split", "scorer") else "right")
    for row in result.table.itertuples(index=False):
        values = row._asdict()
        table.add_row(
            SPLIT_NAMES.get(values["split"], values["split"]),
            values["scorer"],
            *(
                f"{values[c]:.4f}"
                for c in ("roc_auc", "average_precision", f"precision_at_{k}", f"recall_at_{k}")
            ),
            f"{values[f'scheme_networks_in_top_{k}']:.0f}",
            f"{values['brier']:.4f}",
        )
    console.print(table)
    oot = result.metrics.get("out_of_time")
    if oot:
        console.print(
            f"  out of time: trained as of {oot['train_as_of']}, tested on"
            f" {oot['test_accounts']:,} accounts of held-out networks that joined later"
        )
    bands = ", ".join(f"{band} >= {value:.3f}" for band, value in result.thresholds.items())
    console.print(f"  bands (validation networks): {bands}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(
        f"MLflow run {result.run_id} (experiment {result.experiment_id}) at {result.tracking_uri}"
    )
    console.print(
        f"Registered [bold]{result.model_name}[/] version {result.version}"
        f" -> alias [bold]{result.alias}[/]: {result.promotion_reason}"
    )
    console.print(
        f"  data fingerprint {result.fingerprint[:16]}…, feature registry"
        f" {result.feature_registry_version}, took {result.seconds:.0f} s"
    )

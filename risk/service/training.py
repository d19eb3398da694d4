"""Training as the application runs it: the config from the settings, the labels to learn from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from features.validation import read_valid_snapshot
from risk.indicators.engine import indicator_score
from risk.settings import Settings
from training.config import TrainingConfig
from training.data import read_labels_file, with_label_extras
from training.errors import TrainingDataError
from training.worlds import prior_worlds

if TYPE_CHECKING:
    from features.snapshot import Snapshot
    from training.pipeline import TrainingResult

# Below this many labels of either class a model cannot be split, early-stopped and evaluated
# on held-out networks; refuse up front rather than fail halfway through training.
MIN_LABELS_PER_CLASS = 20


def training_config(
    *,
    settings: Settings,
    name: str | None = None,
    seed: int | None = None,
    promote: bool = False,
    out_of_time: bool = True,
    worlds: int | None = None,
) -> TrainingConfig:
    """The training config the settings ask for (CLI flags override name, seed, promotion and
    the number of generated worlds)."""
    seed = settings.seed if seed is None else seed
    count = settings.training_worlds if worlds is None else worlds
    return TrainingConfig(
        model_name=name or settings.model_name,
        experiment=name or settings.model_name,
        seed=seed,
        worlds=prior_worlds(count, settings.training_world_accounts, seed),
        members=settings.training_members,
        review_capacity=settings.review_capacity,
        band_precisions=settings.band_precisions,
        out_of_time=out_of_time,
        force_promote=promote,
        # Artifacts beside the embedded tracking DB; a configured server keeps its own root.
        artifact_root=settings.artifacts_dir if settings.mlflow_tracking_uri is None else None,
    )


def train_snapshot(
    *, snapshot: Snapshot, settings: Settings, config: TrainingConfig, as_of: str | None = None
) -> TrainingResult:
    """Train, evaluate (with the rules-only baseline), register and promote."""
    # lazy: MLflow, LightGBM, SHAP (5-10 s): train checks its data first; a demo rerun never trains
    from training.pipeline import train_and_register

    settings.ensure_home()
    return train_and_register(
        snapshot, as_of, config, settings.tracking_uri, {"rules_only": indicator_score}
    )


@dataclass(frozen=True)
class DecisionLabels:
    """What moderators' decisions did to the training labels."""

    labels: pd.DataFrame  # account_id, label (+ the snapshot's role/family where it had them)
    decided: int  # decided accounts of this snapshot now labelled by their decision
    overridden: int  # of those, accounts the snapshot's labels also named
    changed: int  # of those, accounts whose label the decision changed
    ignored: int  # decided accounts that are not in this snapshot

    def describe(self) -> str:
        """One line for the CLI."""
        line = f"labels from {self.decided:,} moderator decisions"
        if self.overridden:
            line += f" (overriding {self.overridden:,} snapshot labels, {self.changed:,} changed)"
        if self.ignored:
            line += f"; {self.ignored:,} decided accounts are not in this snapshot (ignored)"
        return line


def merge_decision_labels(
    snapshot_labels: pd.DataFrame | None, decisions: pd.DataFrame, account_ids: pd.Series
) -> DecisionLabels:
    """Decisions (confirm = 1, dismiss = 0) override snapshot labels and add accounts it lacks."""
    # A moderator looked at the account after the labels were made: the decision wins. Without
    # snapshot labels the decided accounts are the whole training set. ``decisions`` comes from
    # ``risk.service.decisions.labels_from_decisions`` (one row per account, its latest label).
    known = decisions[decisions["account_id"].isin(account_ids)]
    decided = known.set_index("account_id")["label"].astype("int64")
    if snapshot_labels is None:
        merged = known[["account_id", "label"]].reset_index(drop=True)
        merged["role"] = ""  # the data contract's value for "role not known"
        overridden = changed = 0
    else:
        merged = snapshot_labels.copy()
        both = merged["account_id"].isin(decided.index)
        decision_of_both = decided.reindex(merged.loc[both, "account_id"]).to_numpy()
        overridden = int(both.sum())
        changed = int((merged.loc[both, "label"].to_numpy() != decision_of_both).sum())
        merged["label"] = merged["label"].astype("int64")
        merged.loc[both, "label"] = decision_of_both
        added = known.loc[~known["account_id"].isin(merged["account_id"]), ["account_id", "label"]]
        if "role" in merged.columns:
            added = added.assign(role="")
        merged = pd.concat([merged, added], ignore_index=True)
    if known.empty:
        raise TrainingDataError(
            "no confirm/dismiss decision in the store names an account of this snapshot"
        )
    _check_label_counts(merged["label"], TrainingDataError)
    return DecisionLabels(
        labels=merged,
        decided=len(known),
        overridden=overridden,
        changed=changed,
        ignored=len(decisions) - len(known),
    )


def _check_label_counts(labels: pd.Series, error: type[Exception]) -> None:
    """Both classes, each at least ``MIN_LABELS_PER_CLASS`` times."""
    scheme, legitimate = int((labels == 1).sum()), int((labels == 0).sum())
    if min(scheme, legitimate) < MIN_LABELS_PER_CLASS:
        kind = "one class only" if min(scheme, legitimate) == 0 else "too few labels"
        raise error(
            f"{kind}: {scheme:,} scheme (1, confirm) and {legitimate:,} legitimate (0, dismiss);"
            f" training needs at least {MIN_LABELS_PER_CLASS} of each"
        )


def labelled_snapshot(
    *, snapshot_dir: Path, labels_file: Path | None, decisions: pd.DataFrame | None
) -> tuple[Snapshot, DecisionLabels | None]:
    """The validated snapshot with its training labels (file, else its own; decisions on top)."""
    snapshot = read_valid_snapshot(snapshot_dir)
    if labels_file is not None:
        labels = read_labels_file(labels_file, snapshot.accounts["account_id"])
        snapshot = replace(snapshot, labels=labels)
    elif snapshot.labels is not None:
        labels = with_label_extras(snapshot.labels, snapshot.files.get("labels"))
        snapshot = replace(snapshot, labels=labels)
    if decisions is None:
        return snapshot, None
    merged = merge_decision_labels(snapshot.labels, decisions, snapshot.accounts["account_id"])
    return replace(snapshot, labels=merged.labels), merged

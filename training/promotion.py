"""Promotion: ``champion`` moves only to a version at least as good on the same held-out data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import mlflow
import pandas as pd

from models.errors import ModelError
from models.mlflow_io import AliasChange, current_alias_version, load_scorer, set_alias
from training.metrics import ranking_metrics

CHAMPION = "champion"
CHALLENGER = "challenger"


@dataclass(frozen=True)
class PromotionDecision:
    """Which alias the new version gets and why."""

    alias: str
    reason: str
    champion_version: str | None
    champion_metrics: Mapping[str, float] | None
    change: AliasChange | None = None


def decide(
    new: Mapping[str, float],
    champion: Mapping[str, float] | None,
    *,
    k: int,
    force: bool,
    shortfall: str | None = None,
) -> tuple[str, str]:
    """(alias, reason): champion when forced; challenger when worse than one of its own
    baselines on the held-out networks (``shortfall`` says which); champion when there is no
    usable champion, or when at least as good as the champion on average precision and precision
    at k; else challenger."""
    keys = ("average_precision", f"precision_at_{k}")
    if force:
        return CHAMPION, "promotion forced (--promote)"
    if shortfall:
        return CHALLENGER, f"not champion: {shortfall}"
    if champion is None:
        return CHAMPION, "no usable champion yet"
    worse = [key for key in keys if new[key] < champion[key]]
    shown = ", ".join(f"{key} {new[key]:.4f} vs {champion[key]:.4f}" for key in keys)
    if worse:
        return CHALLENGER, f"worse than the champion on {', '.join(worse)} ({shown})"
    return CHAMPION, f"at least as good as the champion ({shown})"


def champion_metrics(
    tracking_uri: str, name: str, test: pd.DataFrame, k: int
) -> tuple[str | None, dict[str, float] | None, str]:
    """(version, metrics on ``test``, note) of the current champion; None if there is none or
    it cannot score today's feature table (it could not serve the batch job either)."""
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    version = current_alias_version(client, name, CHAMPION)
    if version is None:
        return None, None, "no champion"
    try:
        scorer = load_scorer(f"{name}/{version}", tracking_uri)
        scores = scorer.predict_proba(test)
    except ModelError as error:
        return version, None, f"champion version {version} cannot score this data: {error.message}"
    y = test["label"].to_numpy()
    return version, ranking_metrics(y, scores, test["network_id"].to_numpy(), k), ""


def promote_new_version(
    *,
    tracking_uri: str,
    name: str,
    version: str,
    test: pd.DataFrame,
    new_metrics: Mapping[str, float],
    k: int,
    force: bool,
    shortfall: str | None = None,
) -> PromotionDecision:
    """Compare with the champion on the same held-out accounts, then set the alias (logged).
    A new version worse than one of its own baselines there (``shortfall``) is a challenger."""
    champion_version, champion, note = champion_metrics(tracking_uri, name, test, k)
    if champion_version == version:
        champion_version, champion = None, None
    alias, reason = decide(new_metrics, champion, k=k, force=force, shortfall=shortfall)
    if note and champion_version is not None and champion is None and not force:
        reason = f"{reason}: {note}"
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    change = set_alias(client, name, alias, version, reason)
    if mlflow.active_run() is not None:
        mlflow.set_tags(
            {
                "promotion.alias": alias,
                "promotion.reason": reason[:5000],
                "promotion.previous_champion": champion_version or "",
                "promotion.previous_holder": change.previous_version or "",
            }
        )
    return PromotionDecision(alias, reason, champion_version, champion, change)
